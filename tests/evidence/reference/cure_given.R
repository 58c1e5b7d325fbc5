# Reference fits for tests/evidence/test_cure_given.py, computed in R without flexsurv and without
# hecon: the uncured Weibull of a mixture cure model S(t) = theta + (1 - theta) S_u(t) with theta
# FIXED, fitted by maximum likelihood to the lung data (tests/evidence/data/lung.csv, all arms; days).
# The log-likelihood is written out (dweibull/pweibull: R's shape/scale are flexsurv's), maximised
# with optim(BFGS) on (log shape, log scale) from the survreg Weibull fit, polished with Nelder-Mead
# and BFGS again. theta = 0 is the plain Weibull, checked against survreg.
#
# Run: Rscript tests/evidence/reference/cure_given.R > tests/evidence/reference/cure_given.csv
library(survival)
d <- read.csv("tests/evidence/data/lung.csv")
t <- d$time; e <- d$event == 1
sr <- survreg(Surv(t, e) ~ 1, dist = "weibull")
start <- c(-log(sr$scale), coef(sr)[[1]])
loglik <- function(x, theta) {
  shape <- exp(x[1]); scale <- exp(x[2])
  f <- dweibull(t[e], shape, scale); s <- pweibull(t[!e], shape, scale, lower.tail = FALSE)
  sum(log((1 - theta) * f)) + sum(log(theta + (1 - theta) * s))
}
cat("theta,shape,scale,loglik\n")
for (theta in c(0, 0.05, 0.2)) {
  nll <- function(x) -loglik(x, theta)
  o <- optim(start, nll, method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
  o <- optim(o$par, nll, method = "Nelder-Mead", control = list(reltol = 1e-14, maxit = 5000))
  o <- optim(o$par, nll, method = "BFGS", control = list(reltol = 1e-15, maxit = 1000))
  if (theta == 0) stopifnot(abs(-o$value - sr$loglik[1]) < 1e-6)
  cat(sprintf("%g,%.10g,%.10g,%.10g\n", theta, exp(o$par[1]), exp(o$par[2]), -o$value))
}
