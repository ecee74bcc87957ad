#!/usr/bin/env bash
# Assembles an offline visdom 0.2.4 static directory in $1 (default .build-browser/static) from
# packages, for the browser tests; nothing of it is committed:
#   visdom's pip package (index.html, login.html, js/main.js, css/), Debian libjs-jquery,
#   libjs-bootstrap and libjs-d3, plotly.js 2.11.1 from the plotly==5.7.0 wheel, React 16 UMD
#   from the dash==2.9.3 wheel, and the test stand-ins in standins/ (layout-bin-packer,
#   d3-selection-multi, and sjcl's SHA-256 for the login page: Debian has no libjs-sjcl and no
#   PyPI package ships sjcl.js). The other files no package ships (react-grid-layout and
#   react-resizable css, MathJax, saveSvgAsPng) stay missing; visdom's page draws without them.
# $VISDOM_PYTHON (or scripts/visdom-venv.sh) supplies visdom. Prints the directory.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
out="${1:-.build-browser/static}"
python="$(scripts/visdom-venv.sh)"

need=()
for f in /usr/share/javascript/jquery/jquery.min.js /usr/share/javascript/bootstrap/js/bootstrap.min.js \
         /usr/share/javascript/d3/d3.min.js; do
  [ -f "$f" ] || need+=(libjs-jquery libjs-bootstrap libjs-d3)
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: libjs-jquery libjs-bootstrap libjs-d3" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libjs-jquery libjs-bootstrap libjs-d3 >/dev/null
fi

wheels=.build-browser/wheels
mkdir -p "$wheels"
if ! ls "$wheels"/plotly-5.7.0-*.whl >/dev/null 2>&1 || ! ls "$wheels"/dash-2.9.3-*.whl >/dev/null 2>&1; then
  echo "downloading the plotly==5.7.0 and dash==2.9.3 wheels" >&2
  "$python" -m pip download -q --no-deps plotly==5.7.0 dash==2.9.3 -d "$wheels" >&2
fi

mkdir -p "$out/js" "$out/css" "$out/fonts"
"$python" - "$out" "$wheels" <<'PY'
import glob, os, shutil, sys, zipfile
import visdom
out, wheels = sys.argv[1], sys.argv[2]
src = os.path.join(os.path.dirname(visdom.__file__), "static")
for name in ["index.html", "login.html", "js/main.js", "css/style.css", "css/network.css", "css/login.css"]:
    shutil.copyfile(os.path.join(src, name), os.path.join(out, name))
def member(pattern, zname, dest):
    whl = glob.glob(os.path.join(wheels, pattern))[0]
    with zipfile.ZipFile(whl) as z, open(os.path.join(out, dest), "wb") as f:
        f.write(z.read(zname))
member("plotly-5.7.0-*.whl", "plotly/package_data/plotly.min.js", "js/plotly-plotly.min.js")
member("dash-2.9.3-*.whl", "dash/deps/react@16.14.0.min.js", "js/react-react.min.js")
member("dash-2.9.3-*.whl", "dash/deps/react-dom@16.14.0.min.js", "js/react-dom.min.js")
with open(os.path.join(out, "version.built"), "w") as f:
    f.write(visdom.__version__)
PY
cp /usr/share/javascript/jquery/jquery.min.js "$out/js/jquery.min.js"
cp /usr/share/javascript/bootstrap/js/bootstrap.min.js "$out/js/bootstrap.min.js"
cp /usr/share/javascript/bootstrap/css/bootstrap.min.css "$out/css/bootstrap.min.css"
cp /usr/share/javascript/bootstrap/fonts/* "$out/fonts/"
cp /usr/share/javascript/d3/d3.min.js "$out/js/d3.v3.min.js"
cp "$here/standins/layout_bin_packer.js" "$out/js/layout_bin_packer.js"
cp "$here/standins/d3-selection-multi.v1.js" "$out/js/d3-selection-multi.v1.js"
cp "$here/standins/sjcl.js" "$out/js/sjcl.js"
echo "$out"
