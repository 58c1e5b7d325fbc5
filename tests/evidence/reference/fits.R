# Reference maximum-likelihood fits for tests/evidence/test_fit.py, computed in R without
# flexsurv (not installed) and without hecon:
#
# * exp, weibull, weibullPH, lnorm, llogis: survival::survreg (Newton-Raphson, analytic
#   derivatives), converted from survreg's accelerated-failure-time parameterisation to
#   flexsurv's (below);
# * gompertz, gamma, gengamma and the mixture cure models (weibull, lnorm, llogis): the
#   log-likelihood written out here (dgamma/pgamma and explicit formulas), maximised with
#   optim(BFGS) from several starts and polished with Newton steps; covariance = inverse of
#   the numerical Hessian (central differences, Richardson-extrapolated) on flexsurv's internal scale.
#
# Every survreg family is also fitted by the optim route, and the script stops unless both
# agree (a check of the explicit log-likelihoods), and unless the explicit log-likelihood at
# survreg's estimates equals survreg's loglik (survreg reports the log-likelihood of the
# times, not of log(time), so it is comparable with flexsurv's).
#
# survreg -> flexsurv (intercept b0 = coef(fit)[1], sigma = fit$scale, survreg's vcov is for
# (b0, log sigma)):
#   exp        rate = exp(-b0)                         internal log(rate) = -b0
#   weibull    shape = 1/sigma, scale = exp(b0)        internal (log shape, log scale) = (-log sigma, b0)
#   weibullPH  shape = 1/sigma, scale = exp(-b0/sigma) internal (-log sigma, -b0 exp(-log sigma))
#   llogis     shape = 1/sigma, scale = exp(b0)        as weibull
#   lnorm      meanlog = b0, sdlog = sigma             internal (b0, log sigma)
# and the internal covariance is J V J' with J the Jacobian of the internal parameters with
# respect to (b0, log sigma).
#
# flexsurv's internal scales (flexsurv.dists; flexsurvcure for theta): log for rate, shape,
# scale, sdlog, sigma; identity for gompertz shape, lnorm meanlog, gengamma mu and Q; logit
# for the cure fraction theta, which comes first as in flexsurvcure.
#
# Output (full precision): tests/evidence/reference/fits.csv (one row per data set x arm x
# model x parameter) and tests/evidence/reference/vcov.csv (internal-scale covariance, long).
# Run from the repository root after datasets.R:
#   Rscript tests/evidence/reference/fits.R
library(survival)

data_dir <- file.path("tests", "evidence", "data")
ref_dir <- file.path("tests", "evidence", "reference")

# ---- explicit log-likelihoods -----------------------------------------------------------
# Each family: parameter names, internal scale of each, log density and log survival of the
# natural parameters p at times t.
logit <- function(p) log(p) - log1p(-p)
expit <- function(x) 1 / (1 + exp(-x))

gengamma_logf <- function(p, t) {
  mu <- p[1]; sigma <- p[2]; Q <- p[3]
  w <- (log(t) - mu) / sigma
  a <- 1 / Q^2
  u <- a * exp(Q * w)
  # f(t) = |Q| u^a exp(-u) / (sigma t Gamma(a)), u = Q^-2 exp(Q w) (Prentice 1974)
  log(abs(Q)) + a * log(u) - u - log(sigma * t) - lgamma(a)
}
gengamma_logS <- function(p, t) {
  mu <- p[1]; sigma <- p[2]; Q <- p[3]
  w <- (log(t) - mu) / sigma
  a <- 1 / Q^2
  u <- a * exp(Q * w)
  pgamma(u, a, lower.tail = Q < 0, log.p = TRUE)
}

families <- list(
  exp = list(
    pars = "rate", scale = "log",
    logf = function(p, t) log(p[1]) - p[1] * t,
    logS = function(p, t) -p[1] * t
  ),
  weibull = list(
    pars = c("shape", "scale"), scale = c("log", "log"),
    logf = function(p, t) log(p[1] / p[2]) + (p[1] - 1) * log(t / p[2]) - (t / p[2])^p[1],
    logS = function(p, t) -(t / p[2])^p[1]
  ),
  weibullPH = list(
    pars = c("shape", "scale"), scale = c("log", "log"),
    logf = function(p, t) log(p[1] * p[2]) + (p[1] - 1) * log(t) - p[2] * t^p[1],
    logS = function(p, t) -p[2] * t^p[1]
  ),
  gompertz = list(
    pars = c("shape", "rate"), scale = c("identity", "log"),
    logf = function(p, t) log(p[2]) + p[1] * t - p[2] / p[1] * expm1(p[1] * t),
    logS = function(p, t) -p[2] / p[1] * expm1(p[1] * t)
  ),
  llogis = list(
    pars = c("shape", "scale"), scale = c("log", "log"),
    logf = function(p, t) log(p[1] / p[2]) + (p[1] - 1) * log(t / p[2]) - 2 * log1p((t / p[2])^p[1]),
    logS = function(p, t) -log1p((t / p[2])^p[1])
  ),
  lnorm = list(
    pars = c("meanlog", "sdlog"), scale = c("identity", "log"),
    logf = function(p, t) dnorm((log(t) - p[1]) / p[2], log = TRUE) - log(p[2] * t),
    logS = function(p, t) pnorm((log(t) - p[1]) / p[2], lower.tail = FALSE, log.p = TRUE)
  ),
  gamma = list(
    pars = c("shape", "rate"), scale = c("log", "log"),
    logf = function(p, t) dgamma(t, shape = p[1], rate = p[2], log = TRUE),
    logS = function(p, t) pgamma(t, shape = p[1], rate = p[2], lower.tail = FALSE, log.p = TRUE)
  ),
  gengamma = list(
    pars = c("mu", "sigma", "Q"), scale = c("identity", "log", "identity"),
    logf = gengamma_logf, logS = gengamma_logS
  )
)

# Mixture cure: S = theta + (1 - theta) S_u, f = (1 - theta) f_u (flexsurvcure, mixture = TRUE).
cure_family <- function(base) {
  list(
    pars = c("theta", base$pars), scale = c("logit", base$scale),
    logf = function(p, t) log1p(-p[1]) + base$logf(p[-1], t),
    logS = function(p, t) log(p[1] + (1 - p[1]) * exp(base$logS(p[-1], t)))
  )
}

to_natural <- function(x, scale) {
  ifelse(scale == "log", exp(x), ifelse(scale == "logit", expit(x), x))
}
to_internal <- function(p, scale) {
  ifelse(scale == "log", log(p), ifelse(scale == "logit", logit(p), p))
}

loglik <- function(fam, p, t, d) sum(fam$logf(p, t[d == 1])) + sum(fam$logS(p, t[d == 0]))

# ---- optim route ------------------------------------------------------------------------
# Derivative steps in units of each parameter's standard error (1/sqrt of the curvature),
# so that they suit parameters on very different scales (a Gompertz shape per day is ~1e-4).
se_scale <- function(f, x) {
  k <- length(x)
  sapply(seq_len(k), function(i) {
    h <- 1e-4 * max(1, abs(x[i]))
    e <- replace(numeric(k), i, h)
    curv <- (f(x + e) - 2 * f(x) + f(x - e)) / h^2
    if (is.finite(curv) && curv > 0) 1 / sqrt(curv) else h
  })
}

num_grad <- function(f, x, s = se_scale(f, x)) {
  sapply(seq_along(x), function(i) {
    e <- replace(numeric(length(x)), i, 1e-3 * s[i])
    (f(x + e) - f(x - e)) / (2e-3 * s[i])
  })
}

# Hessian by central differences with one Richardson extrapolation step (error O(h^4)),
# steps of 0.1 standard error.
num_hess <- function(f, x, s = se_scale(f, x)) {
  k <- length(x)
  second <- function(h) {
    H <- matrix(0, k, k)
    for (i in 1:k) for (j in i:k) {
      ei <- replace(numeric(k), i, h[i])
      ej <- replace(numeric(k), j, h[j])
      H[i, j] <- H[j, i] <- (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * h[i] * h[j])
    }
    H
  }
  (4 * second(0.05 * s) - second(0.1 * s)) / 3
}

fit_optim <- function(fam, t, d, starts) {
  nll <- function(x) {
    v <- -loglik(fam, to_natural(x, fam$scale), t, d)
    if (is.finite(v)) v else 1e300
  }
  best <- NULL
  for (x0 in starts) {
    r <- try(optim(x0, nll, method = "BFGS", control = list(maxit = 20000, reltol = 1e-15)), silent = TRUE)
    if (inherits(r, "try-error")) next
    if (is.null(best) || r$value < best$value) best <- r
  }
  x <- best$par
  for (i in 1:50) { # Newton polish on the numerical Hessian, with step halving
    g <- num_grad(nll, x)
    H <- num_hess(nll, x)
    step <- solve(H, g)
    if (max(abs(step)) < 1e-12) break
    s <- 1
    while (s > 1e-8 && nll(x - s * step) > nll(x)) s <- s / 2
    if (s <= 1e-8) break
    x <- x - s * step
  }
  H <- num_hess(nll, x)
  g <- num_grad(nll, x)
  stopifnot(all(eigen(H, only.values = TRUE)$values > 0))
  list(internal = x, loglik = -nll(x), vcov = solve(H), grad = g)
}

# Start values on the internal scale, from moments of log(t) (all times, as flexsurv's inits)
# and from the fit of a simpler family.
starts_for <- function(name, t, d, fits) {
  lt <- log(t)
  m <- mean(lt); s <- sd(lt)
  rate0 <- sum(d) / sum(t)
  switch(name,
    exp = list(log(rate0)),
    weibull = list(c(log(1.64 / var(lt)), m + 0.572), c(0, -log(rate0))),
    weibullPH = list(c(log(1.64 / var(lt)), -(1.64 / var(lt)) * (m + 0.572)), c(0, log(rate0))),
    gompertz = list(c(0.001, -log(mean(t))), c(0, log(rate0)), c(-0.001, log(rate0))),
    llogis = list(c(-log(s), m), c(0, m)),
    lnorm = list(c(m, log(s))),
    gamma = list(c(log(mean(t)^2 / var(t)), log(mean(t) / var(t))), c(0, log(rate0))),
    gengamma = list(
      c(m, log(s), 0.01),
      c(fits$lnorm$internal, 0.01),
      c(fits$weibull$internal[2], -fits$weibull$internal[1], 1),
      c(fits$lnorm$internal, -0.5)
    )
  )
}

km_min <- function(t, d) max(min(survfit(Surv(t, d) ~ 1)$surv), 0.01)

# ---- survreg route ----------------------------------------------------------------------
fit_survreg <- function(name, t, d) {
  sdist <- switch(name, exp = "exponential", weibull = "weibull", weibullPH = "weibull",
                  lnorm = "lognormal", llogis = "loglogistic")
  fit <- survreg(Surv(t, d) ~ 1, dist = sdist, control = survreg.control(rel.tolerance = 1e-12, maxiter = 200))
  b0 <- unname(coef(fit)[1])
  V <- vcov(fit) # (Intercept, Log(scale)); 1 x 1 for the exponential
  if (name == "exp") {
    return(list(internal = -b0, loglik = fit$loglik[2], vcov = V))
  }
  ls <- log(fit$scale)
  if (name == "weibull" || name == "llogis") {
    x <- c(-ls, b0)
    J <- rbind(c(0, -1), c(1, 0))
  } else if (name == "weibullPH") {
    x <- c(-ls, -b0 * exp(-ls))
    J <- rbind(c(0, -1), c(-exp(-ls), b0 * exp(-ls)))
  } else {
    x <- c(b0, ls)
    J <- diag(2)
  }
  list(internal = x, loglik = fit$loglik[2], vcov = J %*% V %*% t(J))
}

# ---- run --------------------------------------------------------------------------------
# The cure models only where the Kaplan-Meier curve levels off (ovarian, colon recurrence);
# in lung and veteran the cure fraction's maximum-likelihood estimate is at its boundary 0.
cases <- list(
  list(dataset = "ovarian", arm = "all", cure = TRUE),
  list(dataset = "lung", arm = "all", cure = FALSE),
  list(dataset = "veteran", arm = "all", cure = FALSE),
  list(dataset = "colon", arm = "all", cure = TRUE)
)
survreg_families <- c("exp", "weibull", "weibullPH", "llogis", "lnorm")
optim_families <- c("gompertz", "gamma", "gengamma")
cure_bases <- c("weibull", "lnorm", "llogis")

rows <- list()
vrows <- list()
for (case in cases) {
  dat <- read.csv(file.path(data_dir, paste0(case$dataset, ".csv")))
  if (case$arm != "all") dat <- dat[dat$arm == case$arm, ]
  t <- dat$time
  d <- dat$event
  n <- length(t)
  fits <- list()
  record <- function(model, fam, cure, res, method) {
    k <- length(fam$pars)
    nat <- to_natural(res$internal, fam$scale)
    ll <- res$loglik
    rows[[length(rows) + 1]] <<- data.frame(
      dataset = case$dataset, arm = case$arm, distribution = model, cure = cure,
      parameter = fam$pars, scale = fam$scale, estimate = nat, internal = res$internal,
      loglik = ll, aic = -2 * ll + 2 * k, bic = -2 * ll + k * log(n), n = n, events = sum(d),
      method = method
    )
    V <- as.matrix(res$vcov)
    for (i in seq_len(k)) for (j in seq_len(k)) {
      vrows[[length(vrows) + 1]] <<- data.frame(
        dataset = case$dataset, arm = case$arm, distribution = model, cure = cure,
        row = fam$pars[i], column = fam$pars[j], covariance = V[i, j]
      )
    }
  }
  for (name in c(survreg_families, optim_families)) {
    fam <- families[[name]]
    opt <- fit_optim(fam, t, d, starts_for(name, t, d, fits))
    fits[[name]] <- opt
    if (name %in% survreg_families) {
      sr <- fit_survreg(name, t, d)
      # survreg's loglik is the explicit log-likelihood of the times at its estimates ...
      stopifnot(abs(sr$loglik - loglik(fam, to_natural(sr$internal, fam$scale), t, d)) < 1e-8)
      # ... and the optim route finds the same maximum
      stopifnot(max(abs(opt$internal - sr$internal)) < 1e-6, abs(opt$loglik - sr$loglik) < 1e-9)
      stopifnot(max(abs(opt$vcov - sr$vcov) / sqrt(outer(diag(sr$vcov), diag(sr$vcov)))) < 1e-6)
      record(name, fam, FALSE, sr, "survreg")
    } else {
      record(name, fam, FALSE, opt, "optim")
    }
  }
  theta0 <- km_min(t, d)
  for (base in if (case$cure) cure_bases else character()) {
    fam <- cure_family(families[[base]])
    starts <- list(c(logit(theta0), fits[[base]]$internal), c(0, fits[[base]]$internal), c(-2, fits[[base]]$internal))
    opt <- fit_optim(fam, t, d, starts)
    fits[[paste0(base, "_cure")]] <- opt
    record(base, fam, TRUE, opt, "optim")
  }
  cat(case$dataset, case$arm, "done; largest |gradient| of the optim fits:",
      format(max(sapply(fits, function(f) max(abs(f$grad))))), "\n")
}

fmt <- function(df) {
  for (col in names(df)) if (is.double(df[[col]])) df[[col]] <- sprintf("%.17g", df[[col]])
  df
}
write.csv(fmt(do.call(rbind, rows)), file.path(ref_dir, "fits.csv"), row.names = FALSE, quote = FALSE)
write.csv(fmt(do.call(rbind, vrows)), file.path(ref_dir, "vcov.csv"), row.names = FALSE, quote = FALSE)
cat("R", R.version.string, "survival", format(packageVersion("survival")), "\n")
