#!/usr/bin/env bash
# Execute every notebook in notebooks/ headless, failing on the first error.
#
#   bash scripts/run-notebooks.sh
#
# fundflow:  $FUNDFLOW_BIN, else target/release/fundflow (build it with `cargo build --release`).
# Python:    3.11 or later (pandas 3); a venv in $NB_VENV (default target/nb-venv), created
#            and filled from notebooks/requirements.txt; a second run reuses it.
# Output:    executed copies go to $NB_OUT (default: a fresh temporary folder); the notebooks
#            in the repository are never modified and must be committed with outputs cleared.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

bin=${FUNDFLOW_BIN:-$repo/target/release/fundflow}
if [[ ! -x $bin ]]; then
    echo "run-notebooks: no fundflow program at $bin" >&2
    echo "  build it with 'cargo build --release', or set FUNDFLOW_BIN to its path" >&2
    exit 2
fi
# Absolute, because the notebooks run with notebooks/ as their working folder.
FUNDFLOW_BIN=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
export FUNDFLOW_BIN

venv=${NB_VENV:-$repo/target/nb-venv}
if [[ ! -x $venv/bin/python ]]; then
    echo "== notebooks: creating a Python venv in $venv"
    if ! python3 -m venv "$venv"; then
        echo "run-notebooks: python3 cannot create a venv (Debian/Ubuntu: apt-get install python3-venv)" >&2
        exit 2
    fi
fi
echo "== notebooks: installing notebooks/requirements.txt"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r notebooks/requirements.txt

echo "== notebooks: outputs cleared in the repository"
"$venv/bin/python" - notebooks/*.ipynb <<'PY'
import sys
import nbformat

dirty = []
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None):
            dirty.append(f"{path}: cell {i} has outputs or an execution count")
if dirty:
    print("\n".join(dirty), file=sys.stderr)
    print("clear them: jupyter nbconvert --clear-output --inplace notebooks/*.ipynb", file=sys.stderr)
    sys.exit(1)
PY

out=${NB_OUT:-$(mktemp -d)}
mkdir -p "$out"
# No display: nothing may try to open a window. The notebooks' `%matplotlib inline` still
# embeds every chart in the executed copies.
export MPLBACKEND=Agg
for nb in notebooks/*.ipynb; do
    echo "== notebooks: executing $nb"
    # ipykernel warns that the local kernel talks over TCP unencrypted; that is expected here.
    # (--KernelManager.transport=ipc silences it but hangs: the socket paths are relative and the
    # kernel runs in notebooks/ while nbconvert runs here.)
    "$venv/bin/jupyter" nbconvert --to notebook --execute \
        --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
        --output-dir "$out" --log-level WARN "$nb"
done
echo "== notebooks: all executed; the executed copies are in $out"
