#!/usr/bin/env bash
# Opens report.html in a real browser (headless Chromium) and checks what a board member
# would see:
#   - the page loads with no network request attempted (the report's Content-Security-Policy
#     forbids everything but inline images; a copy with a small check script counts any
#     violation, i.e. any request the page tried to make);
#   - every <img> has alt text and decodes to a non-zero size;
#   - printed to A4 PDF, it has the expected sections (pdftotext, from poppler-utils);
#   - the board summary ends by page 2, its first finding on page 1 is a partnership flag,
#     and every headline tile's text is printed whole.
# It also keeps a screenshot and the PDF, to look at.
#
# Usage: scripts/check-report.sh [BINARY] [KEEP_DIR]
#   BINARY    the fundflow binary (default target/release/fundflow)
#   KEEP_DIR  where to leave report.html, report.png and report.pdf (default: a temp dir)
# Without Chromium it says so and exits 0, unless CI=true, where it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/release/fundflow}
keep=${2:-$(mktemp -d)}
mkdir -p "$keep"

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" > /dev/null; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "check-report: no Chromium found (install Debian's chromium)" >&2
        exit 1
    fi
    echo "check-report: skipped, no Chromium found (CI=true makes this an error)" >&2
    exit 0
fi

out="$keep/out"
rm -rf "$out"
"$bin" analyse -q -o "$out"
cp "$out/report.html" "$keep/report.html"

# Chromium's flags for a sealed, repeatable, headless run.
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run --no-default-browser-check
       --hide-scrollbars --user-data-dir="$keep/profile")

# 1. The checks, in a copy of the report with a script added (the report itself has none,
#    and its policy would block one): count policy violations and inspect every image.
harness="$keep/harness.html"
python3 - "$out/report.html" "$harness" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
assert csp in html, "report has no Content-Security-Policy"
html = html.replace(csp, csp + "; script-src 'unsafe-inline'")
script = """<script>
var violations = [];
document.addEventListener('securitypolicyviolation', function (e) { violations.push(e.blockedURI); });
window.addEventListener('load', function () {
  var bad = [];
  var imgs = document.images;
  for (var i = 0; i < imgs.length; i++) {
    var im = imgs[i];
    if (!im.alt || im.alt.length < 10) bad.push('no alt: ' + i);
    if (!im.complete || im.naturalWidth === 0 || im.getBoundingClientRect().width === 0) bad.push('no size: ' + i);
  }
  var r = {images: imgs.length, problems: bad, violations: violations,
           resources: performance.getEntriesByType('resource').filter(function (x) { return x.name.indexOf('data:') !== 0; }).length};
  document.body.setAttribute('data-check', JSON.stringify(r));
});
</script>"""
html = html.replace("</head>", script + "\n</head>", 1)
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY
"$browser" "${flags[@]}" --virtual-time-budget=10000 --dump-dom "file://$(realpath "$harness")" \
    > "$keep/dom.html" 2> "$keep/chromium.log" || true
python3 - "$keep/dom.html" <<'PY'
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'data-check="([^"]*)"', dom)
if not m:
    sys.exit("check-report: the page did not finish loading in Chromium (see chromium.log)")
r = json.loads(html.unescape(m.group(1)))
print(f"check-report: {r['images']} images, problems {r['problems']}, "
      f"blocked requests {r['violations']}, other resources {r['resources']}")
if r["images"] == 0 or r["problems"] or r["violations"] or r["resources"]:
    sys.exit("check-report: FAILED")
PY

# 2. A screenshot of the top of the page and an A4 PDF of the whole report.
"$browser" "${flags[@]}" --window-size=1280,2400 --screenshot="$keep/report.png" \
    "file://$(realpath "$out/report.html")" 2>> "$keep/chromium.log"
"$browser" "${flags[@]}" --no-pdf-header-footer --print-to-pdf="$keep/report.pdf" \
    "file://$(realpath "$out/report.html")" 2>> "$keep/chromium.log"
test -s "$keep/report.png" || { echo "check-report: no screenshot" >&2; exit 1; }
size=$(stat -c %s "$keep/report.pdf")
if [ "$size" -lt 100000 ]; then
    echo "check-report: the PDF is only $size bytes" >&2
    exit 1
fi
if command -v pdftotext > /dev/null; then
    pdftotext -layout "$keep/report.pdf" "$keep/report.txt"
    pages=$(pdfinfo "$keep/report.pdf" | awk '/^Pages:/ {print $2}')
    for s in "Headline findings" "Where the money goes" "How concentrated the money is" \
             "Funding that ends soon" "Partnerships: who holds power" "Data quality and method"; do
        grep -q "$s" "$keep/report.txt" || { echo "check-report: PDF lacks \"$s\"" >&2; exit 1; }
    done
    echo "check-report: PDF has $pages A4 pages ($size bytes) and every section"
    # The board summary (issue 18): it ends on page 2 or earlier, the first finding on page 1
    # is a partnership flag, and every headline tile's text is in the printed pages.
    for k in $(seq 1 "$pages"); do
        pdftotext -f "$k" -l "$k" "$keep/report.pdf" "$keep/page-$k.txt"
    done
    python3 - "$out/report.html" "$keep" "$pages" <<'PY'
import html, re, sys
page_html, keep, pages = sys.argv[1], sys.argv[2], int(sys.argv[3])
doc = open(page_html, encoding="utf-8").read()
text = [open(f"{keep}/page-{k}.txt", encoding="utf-8").read() for k in range(1, pages + 1)]
squash = lambda s: re.sub(r"\s+", "", s)
fail = []
# Where the summary ends: its closing note, and the appendix heading after it.
end_marker = "Findings are chosen in a fixed order"
end_page = next((k + 1 for k, t in enumerate(text) if squash(end_marker) in squash(t)), None)
if end_page is None or end_page > 2:
    fail.append(f"the summary ends on page {end_page}, not by page 2")
appendix = next((k + 1 for k, t in enumerate(text) if "Appendix" in t), None)
if appendix is None or (end_page and appendix <= end_page - 1):
    fail.append(f"the appendix starts on page {appendix}")
# The first finding on page 1 is a partnership flag.
partnership = ["DEFAULT-HOST", "DEFAULT-CHAIR", "UNPAID-PARTICIPATION", "PARTICIPATION-GAP", "RETENTION"]
codes = re.findall(r'<li data-code="([A-Z-]+)">', doc)
allcodes = partnership + ["DEPENDENCY", "FUNDING-CLIFF", "CONCENTRATION", "FUNDER-DOMINANCE",
                          "SHORT-TERM-FUNDING", "UNDER-FUNDED-GROUP", "USUAL-SUSPECTS"]
first = min(((text[0].find(c), c) for c in allcodes if c in text[0]), default=(None, None))[1]
if not codes:
    fail.append("no findings in the summary")
elif first not in partnership:
    fail.append(f"the first finding on page 1 is {first}, not a partnership flag")
# Every tile's text, whole, in the first two pages. The tiles are a grid, which pdftotext
# reads row by row across the columns, so each tile's words are counted rather than read as
# one run of text: every word of every tile must be printed (a clipped tile loses words).
from collections import Counter
glance = re.search(r'<section id="glance".*?</section>', doc, re.S)
tiles = re.findall(r"<li>(.*?)</li>", glance.group(0), re.S) if glance else []
printed = Counter("".join(text[:2]).split())
if not tiles:
    fail.append("no headline tiles")
needed = Counter()
for t in tiles:
    needed.update(html.unescape(re.sub(r"<[^>]+>", " ", t)).split())
missing = needed - printed
if missing:
    fail.append(f"tile words not printed on pages 1-2: {sorted(missing.elements())}")
print(f"check-report: summary ends on page {end_page}, {len(codes)} findings, first on page 1 {first}, {len(tiles)} tiles printed whole")
if fail:
    sys.exit("check-report: FAILED: " + "; ".join(fail))
PY
elif [ "${CI:-}" = "true" ]; then
    echo "check-report: pdftotext missing (install poppler-utils)" >&2
    exit 1
else
    echo "check-report: PDF written ($size bytes); pdftotext missing, sections not checked"
fi
echo "check-report: ok ($keep)"
