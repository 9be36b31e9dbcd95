# Puts Node.js 24 first on PATH, installing it from the npm registry when the machine's node is
# older (`npm i --ignore-scripts node-linux-<arch>@24` into a cache folder outside the repo).
# Source it: `source .ci/node24.sh`.
if ! node --version 2>/dev/null | grep -q '^v24\.'; then
  case "$(uname -m)" in
    x86_64) node_arch=x64 ;;
    aarch64 | arm64) node_arch=arm64 ;;
    *) echo "unsupported architecture $(uname -m)" >&2; return 1 ;;
  esac
  node_home="${XDG_CACHE_HOME:-$HOME/.cache}/customs-clearance/node24"
  node_bin="$node_home/node_modules/node-linux-$node_arch/bin"
  if ! "$node_bin/node" --version 2>/dev/null | grep -q '^v24\.'; then
    echo "installing Node.js 24 from the npm registry into $node_home"
    mkdir -p "$node_home"
    [ -f "$node_home/package.json" ] || echo '{"private":true}' > "$node_home/package.json"
    npm install --prefix "$node_home" --ignore-scripts --no-audit --no-fund "node-linux-$node_arch@24" >/dev/null
  fi
  export PATH="$node_bin:$PATH"
fi
