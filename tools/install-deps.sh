#!/usr/bin/env bash
# Install the Debian packages tunlab needs. Idempotent: it only calls apt-get
# when a package is missing, and runs `apt-get update` once, first, in that case.
#
#   tools/install-deps.sh [--check] [GROUP...]
#
# Groups:
#   build   compile and run unit tests: Bazel 4.2.3, GoogleTest, g++
#   demo    build + what `./tunlab demo` runs: ip, ping, curl, nc, tcpdump, tshark
#   test    everything `./tunlab test` may use (the default): also dnsmasq and
#           ab (apache2-utils) for the HTTP interop tests
#   bench   demo + what `./tunlab bench` runs: wrk and ab (HTTP load),
#           valgrind (callgrind profile), python3 (the summary), taskset
#   slides  build + what `./tunlab slides` needs: Node.js and npm (Marp CLI
#           comes from npm), a CJK font for the decks' Chinese terms in PDFs
#           (Chromium, for PDFs and screenshots, is optional and not installed)
#
# --check  only report what is missing; exit 1 if anything is.
set -euo pipefail

readonly BUILD_PKGS=(bazel-bootstrap libgtest-dev g++)
readonly NET_PKGS=(iproute2 iputils-ping netcat-openbsd curl tcpdump tshark procps)
readonly TEST_PKGS=(python3-scapy dnsutils unifdef dnsmasq-base apache2-utils)
readonly BENCH_PKGS=(wrk apache2-utils valgrind python3 util-linux)
readonly SLIDES_PKGS=(nodejs fonts-wqy-microhei)

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

# packages_for GROUP: print the packages of GROUP, one per line.
packages_for() {
    case "$1" in
        build) printf '%s\n' "${BUILD_PKGS[@]}" ;;
        demo)  printf '%s\n' "${BUILD_PKGS[@]}" "${NET_PKGS[@]}" ;;
        test) printf '%s\n' "${BUILD_PKGS[@]}" "${NET_PKGS[@]}" "${TEST_PKGS[@]}" ;;
        bench) printf '%s\n' "${BUILD_PKGS[@]}" "${NET_PKGS[@]}" "${BENCH_PKGS[@]}" ;;
        slides)
            printf '%s\n' "${BUILD_PKGS[@]}" "${SLIDES_PKGS[@]}"
            # Debian's npm is a package of its own; a Node.js that brings npm
            # along (NodeSource's) conflicts with it, so ask only when missing.
            command -v npm >/dev/null || echo npm
            ;;
        all) printf '%s\n' "${BUILD_PKGS[@]}" "${NET_PKGS[@]}" "${TEST_PKGS[@]}" "${BENCH_PKGS[@]}" ;;
        *) echo "install-deps: unknown group '$1' (build, demo, test, bench, slides)" >&2; exit 2 ;;
    esac
}

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        echo "install-deps: need root to run: $*" >&2
        exit 1
    fi
}

install_packages() {
    export DEBIAN_FRONTEND=noninteractive
    # tshark would otherwise ask whether non-root users may capture.
    echo 'wireshark-common wireshark-common/install-setuid boolean false' \
        | as_root debconf-set-selections
    local apt_opts=(-y -q -o DPkg::Lock::Timeout=600)
    echo "install-deps: apt-get update" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update
    echo "install-deps: apt-get install $*" >&2
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get "${apt_opts[@]}" install --no-install-recommends "$@"
}

main() {
    local check_only=0 groups=()
    while [[ $# -gt 0 ]]; do
        case "$1" in
            --check) check_only=1 ;;
            -h|--help) usage; exit 0 ;;
            -*) echo "install-deps: unknown option '$1' (try --help)" >&2; exit 2 ;;
            *) groups+=("$1") ;;
        esac
        shift
    done
    [[ ${#groups[@]} -gt 0 ]] || groups=(test)

    local wanted=() missing=() pkg group
    for group in "${groups[@]}"; do
        packages_for "$group" >/dev/null # exits on an unknown group
        mapfile -t -O "${#wanted[@]}" wanted < <(packages_for "$group")
    done
    for pkg in $(printf '%s\n' "${wanted[@]}" | sort -u); do
        is_installed "$pkg" || missing+=("$pkg")
    done

    if [[ ${#missing[@]} -eq 0 ]]; then
        echo "install-deps: all packages present (${groups[*]})" >&2
        return 0
    fi
    echo "install-deps: missing: ${missing[*]}" >&2
    [[ $check_only -eq 0 ]] || return 1
    install_packages "${missing[@]}"
}

main "$@"
