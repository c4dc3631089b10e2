#!/usr/bin/env bash
# End-to-end benchmark (issue 6): on this machine, in one run, for each preset:
#   - generates the dataset with `fundflow synth` (timed);
#   - times `fundflow validate` and `fundflow analyse` (with and without charts, when this
#     build has `--charts`), with peak RSS from /usr/bin/time -v;
#   - times the floor: a bare polars read of the same CSVs, all columns as strings;
#   - times the reference: the same core measures in pandas + networkx
#     (scripts/reference/reference.py), and checks its numbers agree with findings.json;
#   - prints a table of times, ratios and peak RSS, and writes it into BENCHMARKS.md.
#
#   scripts/bench.sh                       # local and region
#   scripts/bench.sh --national            # local, region and national (slow)
#   scripts/bench.sh --presets "national"  # only these; BENCHMARKS.md keeps the others
#   BENCH_NATIONAL=1 scripts/bench.sh      # same as --national
#   BENCH_RUNS=5 scripts/bench.sh          # runs per timing (median shown; default 3,
#                                          # 1 for national)
#   scripts/bench.sh --report-only         # rewrite BENCHMARKS.md from the kept results
#
# Never run by .ci/run: it takes minutes and its numbers only mean something on a quiet
# machine. Results per preset are kept in target/bench/results/ so that BENCHMARKS.md can
# show presets measured on different runs (each row says when it was measured).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

presets="local region"
[[ "${BENCH_NATIONAL:-0}" == 1 ]] && presets="local region national"
while (($#)); do
    case "$1" in
        --national) presets="local region national" ;;
        --presets) presets="$2"; shift ;;
        --report-only) presets="" ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

work="$root/target/bench"
mkdir -p "$work/results"
seed=${BENCH_SEED:-20261123}

say() { printf '== %s\n' "$*" >&2; }

# --- tools ---------------------------------------------------------------------------------
if ! [[ -x /usr/bin/time ]]; then
    say "installing GNU time (Debian package 'time') for peak RSS"
    apt-get update -qq && apt-get install -y -qq time > /dev/null
fi

if [[ -n $presets ]]; then
    say "building fundflow (release)"
    cargo build --release --quiet
fi
bin="$root/target/release/fundflow"

venv="$work/venv"
reqs="$root/scripts/reference/requirements.txt"
if ! cmp -s "$reqs" "$venv/requirements.txt" 2> /dev/null; then
    say "installing the Python reference's pinned packages into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$venv/requirements.txt"
fi
py="$venv/bin/python"

charts=no
"$bin" analyse --help | grep -q -- '--charts' && charts=yes

# --- measuring -----------------------------------------------------------------------------
# measure LABEL CMD...: runs CMD under /usr/bin/time -v; sets $secs (wall) and $rss_mb.
# Fails loudly, with CMD's stderr, when CMD fails.
measure() {
    local label=$1
    shift
    local log="$work/time.log" err="$work/stderr.log"
    if ! /usr/bin/time -v -o "$log" "$@" > "$work/stdout.log" 2> "$err"; then
        echo "bench.sh: $label failed:" >&2
        cat "$err" >&2
        exit 1
    fi
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$log")
    rss_mb=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
}

# median of the arguments
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
# largest of the arguments
largest() { printf '%s\n' "$@" | sort -g | tail -1; }

# repeat N LABEL CMD...: median wall time and largest peak RSS over N runs -> $med, $rss
repeat() {
    local n=$1 label=$2
    shift 2
    local times=() rsses=()
    for ((i = 0; i < n; i++)); do
        measure "$label" "$@"
        times+=("$secs")
        rsses+=("$rss_mb")
    done
    med=$(median "${times[@]}")
    rss=$(largest "${rsses[@]}")
}

for preset in $presets; do
    runs=${BENCH_RUNS:-3}
    [[ $preset == national && -z "${BENCH_RUNS:-}" ]] && runs=1
    data="$work/$preset"
    out="$work/$preset-out"

    load=$(cut -d' ' -f1 /proc/loadavg)
    say "$preset: generating (synth --scale $preset --seed $seed); load average $load"
    measure synth "$bin" synth -q --scale "$preset" --seed "$seed" -o "$data"
    synth_s=$secs synth_rss=$rss_mb
    size_mb=$(du -sm --apparent-size "$data" | cut -f1)
    grants=$(($(wc -l < "$data/grants.csv") - 1))
    attendance=$(($(wc -l < "$data/attendance.csv") - 1))

    say "$preset: fundflow validate ×$runs"
    repeat "$runs" validate "$bin" validate -q "$data"
    validate_s=$med validate_rss=$rss

    if [[ $charts == yes ]]; then
        say "$preset: fundflow analyse (with charts) ×$runs"
        repeat "$runs" analyse "$bin" analyse -q "$data" -o "$out"
        analyse_charts_s=$med analyse_charts_rss=$rss
        say "$preset: fundflow analyse --charts none ×$runs"
        repeat "$runs" analyse "$bin" analyse -q --charts none "$data" -o "$out"
    else
        say "$preset: fundflow analyse ×$runs (this build has no charts)"
        repeat "$runs" analyse "$bin" analyse -q "$data" -o "$out"
        analyse_charts_s=- analyse_charts_rss=-
    fi
    analyse_s=$med analyse_rss=$rss

    say "$preset: floor (polars reads every CSV as strings) ×$runs"
    floors=()
    floor_rss=0
    for ((i = 0; i < runs; i++)); do
        measure floor "$py" scripts/reference/polars_floor.py "$data"
        floors+=("$("$py" -c 'import json,sys; print(json.load(sys.stdin)["seconds"])' < "$work/stdout.log")")
        floor_rss=$(largest "$floor_rss" "$rss_mb")
    done
    floor_s=$(median "${floors[@]}")

    say "$preset: pandas + networkx reference ×$runs"
    pandas_in=()
    pandas_wall=()
    pandas_rss=0
    for ((i = 0; i < runs; i++)); do
        measure reference "$py" scripts/reference/reference.py "$data" "$work/$preset-reference.json"
        pandas_wall+=("$secs")
        pandas_in+=("$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["timings"]["total"])' "$work/$preset-reference.json")")
        pandas_rss=$(largest "$pandas_rss" "$rss_mb")
    done
    pandas_s=$(median "${pandas_in[@]}")
    pandas_wall_s=$(median "${pandas_wall[@]}")

    say "$preset: checking the reference against findings.json"
    if agreement=$("$py" scripts/reference/reference.py --compare "$work/$preset-reference.json" "$out/findings.json"); then
        :
    else
        echo "$agreement" >&2
        agreement="DISAGREE: $(echo "$agreement" | sed -n 2p | sed 's/^ *//')"
    fi

    when=$(date -u +%Y-%m-%dT%H:%MZ)
    commit=$(git rev-parse --short HEAD 2> /dev/null || echo unknown)
    printf '%s\n' "preset=$preset" "when=$when" "commit=$commit" "runs=$runs" "grants=$grants" \
        "attendance=$attendance" "size_mb=$size_mb" "synth_s=$synth_s" "synth_rss=$synth_rss" \
        "validate_s=$validate_s" "validate_rss=$validate_rss" "analyse_s=$analyse_s" \
        "analyse_rss=$analyse_rss" "analyse_charts_s=$analyse_charts_s" \
        "analyse_charts_rss=$analyse_charts_rss" "floor_s=$floor_s" "floor_rss=$floor_rss" \
        "pandas_s=$pandas_s" "pandas_wall_s=$pandas_wall_s" "pandas_rss=$pandas_rss" \
        "load=$load" "agreement=$agreement" > "$work/results/$preset.env"
done

# --- the table -----------------------------------------------------------------------------
# One row per preset with results (in size order), from target/bench/results/*.env.
table() {
    echo "| preset | grants | CSV MB | synth s | validate s (RSS MB) | analyse s (RSS MB) | analyse + charts s (RSS MB) | floor s (RSS MB) | pandas s (RSS MB) | fundflow ÷ floor | pandas ÷ fundflow | reference agrees | measured |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
    for preset in local region national; do
        f="$work/results/$preset.env"
        [[ -f $f ]] || continue
        (
            # Every field starts as "?" so a results file from an older bench.sh still renders.
            for key in when commit runs grants size_mb synth_s validate_s validate_rss \
                analyse_s analyse_rss analyse_charts_s analyse_charts_rss floor_s floor_rss \
                pandas_s pandas_wall_s pandas_rss agreement load; do
                printf -v "$key" '%s' "?"
            done
            while IFS='=' read -r key value; do printf -v "$key" '%s' "$value"; done < "$f"
            ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
            main=$analyse_s
            [[ $analyse_charts_s != - ]] && main=$analyse_charts_s
            charts_cell="-"
            [[ $analyse_charts_s != - ]] && charts_cell="$analyse_charts_s ($analyse_charts_rss)"
            printf '| %s | %s | %s | %s | %s (%s) | %s (%s) | %s | %.2f (%s) | %.2f (%s); %.2f wall | %s | %s | %s | %s |\n' \
                "$preset" "$grants" "$size_mb" "$synth_s" "$validate_s" "$validate_rss" \
                "$analyse_s" "$analyse_rss" "$charts_cell" "$floor_s" "$floor_rss" \
                "$pandas_s" "$pandas_rss" "$pandas_wall_s" "$(ratio "$main" "$floor_s")" \
                "$(ratio "$pandas_s" "$main")" "${agreement%%:*}" "$when, $commit, median of $runs, load $load"
        )
    done
}

machine() {
    local model ram
    model=$(lscpu | awk -F': *' '/^Model name/ { print $2; exit }')
    ram=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    echo "- CPU: $(nproc) cores, $model ($(uname -m)); RAM $ram; Linux $(uname -r)"
    echo "- $(rustc --version); Python $("$py" -c 'import platform; print(platform.python_version())'); $(grep -E '^(pandas|networkx|polars)==' "$reqs" | tr '\n' ' ')"
}

rendered=$(
    echo "<!-- bench:begin (written by scripts/bench.sh; edit outside the markers) -->"
    echo "Machine:"
    echo
    machine
    echo
    table
    echo
    echo "Times are wall-clock seconds, the median of the runs shown; RSS is the largest peak"
    echo "resident set over those runs (/usr/bin/time -v). *floor*: polars reading every CSV"
    echo "of the dataset, all columns as strings, timed inside the process (Python start-up"
    echo "and import left out). *pandas*: scripts/reference/reference.py's own timing of its"
    echo "work (reading included, imports left out); *wall* adds Python start-up and imports."
    echo "fundflow's times are whole processes. The ratios use analyse with charts when this"
    echo "build has them."
    echo "<!-- bench:end -->"
)

echo
echo "$rendered" | sed -n '/^| preset/,/^$/p'
for f in "$work"/results/*.env; do
    grep -h '^agreement=' "$f" | sed "s|^agreement=|$(basename "$f" .env): reference |"
done

md="$root/BENCHMARKS.md"
if [[ -f $md ]] && grep -q '<!-- bench:begin' "$md"; then
    python3 - "$md" "$rendered" << 'EOF'
import re, sys
path, block = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- bench:begin.*?<!-- bench:end -->", lambda _: block, text, flags=re.S)
open(path, "w").write(text)
EOF
else
    {
        echo "# Benchmarks"
        echo
        echo "Measured by \`scripts/bench.sh\` (see its header for options); the numbers between the"
        echo "markers are rewritten on every run."
        echo
        echo "$rendered"
    } > "$md"
fi
say "wrote $md"
