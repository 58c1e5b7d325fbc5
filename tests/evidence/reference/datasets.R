# Writes the survival data sets of R's 'survival' package used by the fitting tests as CSV
# fixtures in tests/evidence/data/ (columns time, event, arm), so that the tests need no R.
#
#   ovarian  Edmunson et al. (1979), 26 patients, time = futime [days], event = fustat,
#            arm = rx ("rx1" cyclophosphamide, "rx2" + adriamycin)
#   lung     Loprinzi et al. (1994), NCCTG lung cancer, 228 patients, time [days],
#            event = status - 1 (status 1 censored, 2 dead), arm = sex ("male", "female")
#   veteran  Kalbfleisch & Prentice (1980), Veterans' Administration lung cancer trial,
#            137 patients, time [days], event = status, arm = trt ("standard", "test")
#   colon    Moertel et al. (1990), adjuvant chemotherapy for colon cancer, the recurrence
#            records (etype 1), 929 patients, time [days], event = status, arm = rx ("Obs",
#            "Lev", "Lev+5FU"); about half never recur, which identifies a cure fraction
#
# None of time, status or the arm variable has missing values in these data sets; the script
# stops if that changes. Run from the repository root:
#   Rscript tests/evidence/reference/datasets.R
library(survival)

out <- file.path("tests", "evidence", "data")
dir.create(out, showWarnings = FALSE, recursive = TRUE)

write_ipd <- function(time, event, arm, name) {
  d <- data.frame(time = time, event = as.integer(event), arm = arm)
  stopifnot(!anyNA(d), all(d$time > 0), all(d$event %in% c(0L, 1L)))
  write.csv(d, file.path(out, paste0(name, ".csv")), row.names = FALSE, quote = FALSE)
}

write_ipd(ovarian$futime, ovarian$fustat, paste0("rx", ovarian$rx), "ovarian")
write_ipd(lung$time, lung$status - 1, ifelse(lung$sex == 1, "male", "female"), "lung")
write_ipd(veteran$time, veteran$status, ifelse(veteran$trt == 1, "standard", "test"), "veteran")
recurrence <- colon[colon$etype == 1, ]
write_ipd(recurrence$time, recurrence$status, as.character(recurrence$rx), "colon")
cat("R", R.version.string, "survival", format(packageVersion("survival")), "\n")
