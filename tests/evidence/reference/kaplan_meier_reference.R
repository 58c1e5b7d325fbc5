# Reference Kaplan-Meier estimates for tests/evidence/test_kaplan_meier.py.
#
# Run from this folder:  Rscript kaplan_meier_reference.R
# Made with R 4.2.2 and survival 3.5-3 (the versions are written into each output file).
#
# For each data set it writes the data (<name>_data.csv: time,event with event 1 = death,
# 0 = censored) and survfit's step function at every distinct time (<name>_survfit.csv),
# with Greenwood's standard error of -log S (survfit's std.err) and the default "log"
# confidence interval. S = 0 at the last time gives std_err Inf and NA limits. <name>_quantile.csv
# holds quantile.survfit's times at which 25%, 50% and 75% have had the event (NA: not reached);
# <name>_summary.csv holds summary(fit, times = ...)'s survival and numbers at risk at given times.
library(survival)

write_case <- function(name, time, event, at_times, conf_int = 0.95, data_name = name) {
  data <- data.frame(time = time, event = as.integer(event))
  fit <- survfit(Surv(time, event) ~ 1, data = data, conf.int = conf_int, conf.type = "log")
  header <- sprintf("# survival::survfit(Surv(time, event) ~ 1, conf.int = %s, conf.type = \"log\"); R %s, survival %s",
                    conf_int, paste(R.version$major, R.version$minor, sep = "."), packageVersion("survival"))
  out <- data.frame(time = fit$time, n_risk = fit$n.risk, n_event = fit$n.event, n_censor = fit$n.censor,
                    survival = fit$surv, std_err = fit$std.err, lower = fit$lower, upper = fit$upper)
  write_csv <- function(df, file, comment) {
    con <- file(file, "w")
    writeLines(comment, con)
    write.csv(format(df, digits = 17, trim = TRUE), con, row.names = FALSE, quote = FALSE, na = "")
    close(con)
  }
  write_csv(data, paste0(data_name, "_data.csv"), sprintf("# %s: time,event (1 = event, 0 = censored)", data_name))
  write_csv(out, paste0(name, "_survfit.csv"), header)
  q <- quantile(fit, probs = c(0.25, 0.5, 0.75), conf.int = FALSE)
  write_csv(data.frame(p = c(0.25, 0.5, 0.75), time = as.numeric(q)), paste0(name, "_quantile.csv"),
            sprintf("# quantile(fit, probs = c(0.25, 0.5, 0.75), conf.int = FALSE) of the fit in %s_survfit.csv", name))
  at <- summary(fit, times = at_times, extend = TRUE)
  write_csv(data.frame(time = at$time, n_risk = at$n.risk, survival = at$surv), paste0(name, "_summary.csv"),
            sprintf("# summary(fit, times = c(%s), extend = TRUE) of the fit in %s_survfit.csv", paste(at_times, collapse = ", "), name))
}

# lung: NCCTG advanced lung cancer, status 2 = dead, 1 = censored; time in days.
write_case("lung", lung$time, lung$status == 2, c(0, 5, 100, 365.25, 500, 1022, 1100))
# ovarian: ovarian cancer trial, fustat 1 = dead; futime in days. Also at a 90% level.
write_case("ovarian", ovarian$futime, ovarian$fustat == 1, c(0, 59, 60, 365, 638.5, 1227))
write_case("ovarian_90", ovarian$futime, ovarian$fustat == 1, c(100, 1000), conf_int = 0.90, data_name = "ovarian")
# aml, non-maintained arm: the last time is a death, so S reaches 0 (std.err Inf, CI NA).
nm <- aml[aml$x == "Nonmaintained", ]
write_case("aml_nonmaintained", nm$time, nm$status == 1, c(4, 5, 44, 45, 60))
# Six deaths, no censoring: S is exactly 1/2 between t = 3 and t = 4, so the median is the
# midpoint 3.5 (quantile.survfit's rule for a flat stretch at the quantile).
write_case("flat_half", c(1, 2, 3, 4, 5, 6), rep(1, 6), c(0.5, 3, 3.5))
