# The median of each figure over rounds: reads NAME <tab> FIGURE <tab> VALUE lines sorted by name
# and figure (`sort -t$'\t' -k1,1 -k2,2 -s`), prints NAME | FIGURE | MEDIAN | EVERY ROUND'S VALUE.
BEGIN { FS = "\t" }
function flush() {
    if (key == "") return
    n = split(values, v, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
    median = sprintf("%.10g", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2)
    printf "%s | %s | %s | %s\n", name, figure, median, values
}
{ if ($1 "\t" $2 != key) { flush(); key = $1 "\t" $2; name = $1; figure = $2; values = "" } values = values (values == "" ? "" : " ") $3 }
END { flush() }
