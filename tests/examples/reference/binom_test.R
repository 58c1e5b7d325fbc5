# Reference exact binomial 95% CIs for tests/examples/test_rrmm_exact_ci.py, from R's binom.test (Clopper-Pearson
# interval; stats package, no hecon, no scipy): each "share of n" of the RRMM example's external checks and of the
# cilta-cel plateau table (32/97).
#
# Run: Rscript tests/examples/reference/binom_test.R > tests/examples/reference/binom_test.csv
cases <- data.frame(
  events = c(3, 25, 22, 70, 625, 32),
  n = c(132, 509, 40, 123, 697, 97)
)
cat("events,n,low,high\n")
for (i in seq_len(nrow(cases))) {
  ci <- binom.test(cases$events[i], cases$n[i], conf.level = 0.95)$conf.int
  cat(sprintf("%d,%d,%.10f,%.10f\n", cases$events[i], cases$n[i], ci[1], ci[2]))
}
