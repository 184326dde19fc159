#!/bin/sh
# Runs the trace-script engine on one script (see defs.bzl): run_script.sh
# ENGINE [ENGINE_ARGS...] SCRIPT. Its exit status is the test's result.
engine="$1"
shift
exec "$engine" "$@"
