# The figures of one `sharectl bench`, `bench-stream` or `bench-flow` report, one line each:
# NAME <tab> FIGURE <tab> VALUE, NAME given as `awk -v name=… -f Benchmarks/figures.awk`.
/^publishes\/s|^publish→(inbox|stream) p(50|99)|^messages\/broker-CPU-s|^messages\/CPU-s, broker and database|^broker CPU  |^database CPU  |^load generator CPU  |^broker CPU per load-generator CPU |^machine busy  |^stream deliveries|^fan-out deliveries\/s|^acknowledgement requests|^context switches\/message|^system calls\/message/ {
    figure = $0; sub(/ +[0-9].*$/, "", figure)
    value = substr($0, length(figure) + 1); sub(/^ +/, "", value); sub(/ .*$/, "", value)
    print name "\t" figure "\t" value
}
