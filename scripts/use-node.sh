# Puts the Node.js version the product declares (.nvmrc; package.json's engines floor and the Dockerfile's image
# say the same; test/tooling/node-version.test.ts checks it) first on PATH, so `npm ci`, `npm test` and `npm start`
# run on it. Installs it once from the npm registry's node-<os>-<arch> package (the official binary, bin/node
# only) into ~/.cache/flinks-refresh/; later runs find it there. npm stays the machine's own: its launcher starts
# with `#!/usr/bin/env node`, so it runs under whichever node is first on PATH.
#
#   source scripts/use-node.sh   # this shell (bash or zsh); .ci/run does this before `npm ci`
#   bash scripts/use-node.sh     # installs only, and prints the PATH line to use
#
# Sourced, it never exits the calling shell: a failure is a message and a non-zero status.

flinks_use_node() {
  local root=$1 version os arch cache dir tmp tarball found npm_node
  version=$(tr -d ' \t\r\n' <"$root/.nvmrc") || return
  if [[ ! $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "use-node: $root/.nvmrc must hold one version like 24.22.3, got '$version'" >&2
    return 1
  fi

  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "use-node: no node-<os>-<arch> package for system '$(uname -s)'; install Node $version yourself" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "use-node: no node-$os-<arch> package for machine '$(uname -m)'; install Node $version yourself" >&2; return 1 ;;
  esac

  cache=${XDG_CACHE_HOME:-$HOME/.cache}/flinks-refresh
  dir=$cache/node-v$version-$os-$arch
  found=$("$dir/bin/node" --version 2>/dev/null)
  if [[ $found != "v$version" ]]; then
    echo "use-node: installing Node $version (npm package node-$os-$arch@$version) into $dir"
    mkdir -p "$cache" || return
    # Unpacked beside the target and moved in whole, so an interrupted install is never taken for a finished one.
    tmp=$(mktemp -d "$cache/.node-v$version.XXXXXX") || return
    if ! npm pack --silent --pack-destination "$tmp" "node-$os-$arch@$version" >/dev/null; then
      rm -rf "$tmp"
      echo "use-node: npm pack node-$os-$arch@$version failed (see npm's message above)" >&2
      return 1
    fi
    tarball=$tmp/node-$os-$arch-$version.tgz
    if ! tar -xzf "$tarball" -C "$tmp" || [[ $("$tmp/package/bin/node" --version 2>/dev/null) != "v$version" ]]; then
      rm -rf "$tmp"
      echo "use-node: node-$os-$arch@$version did not unpack to a bin/node that reports v$version" >&2
      return 1
    fi
    rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp" || return
  fi

  case ":$PATH:" in
    ":$dir/bin:"*) ;;
    *) export PATH="$dir/bin:$PATH" ;;
  esac
  hash -r 2>/dev/null

  found=$(node --version 2>/dev/null)
  if [[ $found != "v$version" ]]; then
    echo "use-node: after putting $dir/bin first on PATH, node --version says '$found', not v$version" >&2
    return 1
  fi
  npm_node=$(npm exec --call 'echo "$npm_node_execpath"' 2>/dev/null)
  if [[ $npm_node != "$dir/bin/node" ]]; then
    echo "use-node: npm runs under '${npm_node:-?}', not $dir/bin/node; is npm installed (it is not in node-$os-$arch)?" >&2
    return 1
  fi
  echo "use-node: node $found ($dir/bin/node), npm $(npm --version)"
}

if [[ -n ${BASH_VERSION:-} && ${BASH_SOURCE[0]} == "$0" ]]; then
  # Run as a program: install, check, and say how to use it; the caller's PATH cannot be changed from here.
  flinks_use_node "$(cd "$(dirname "$0")/.." && pwd)" || exit
  echo "export PATH=\"${PATH%%:*}:\$PATH\""
else
  flinks_use_node "$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
fi
