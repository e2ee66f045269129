#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for a bounded time, then merges what it found into
# the committed corpus (fuzz/corpus/TARGET), which `swift test` replays.
#   scripts/fuzz.sh http-parser|authorization|fixture-decoder [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
seconds=${2:-60}
case $target in
    http-parser) modules="ASCII Timekeeping HTTP1"; harness=Tests/FuzzTests/HTTPParserFuzzHarness.swift; call=HTTPParserFuzzHarness ;;
    authorization) modules="ASCII Timekeeping"; extra="Sources/SigV4/SigV4Failure.swift Sources/SigV4/SignatureInput.swift Sources/SigV4/URIEncoding.swift"
        harness=Tests/FuzzTests/AuthorizationFuzzHarness.swift; call=AuthorizationFuzzHarness ;;
    fixture-decoder) modules="ASCII Timekeeping JSON ContactModel"; harness=Tests/FuzzTests/FixtureDecoderFuzzHarness.swift; call=FixtureDecoderFuzzHarness ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
esac
work=.build-fuzz/$target
rm -rf "$work/src" && mkdir -p "$work/src" "$work/found" "fuzz/corpus/$target"
files="${extra:-}"
for m in $modules; do files="$files $(ls Sources/$m/*.swift)"; done
files="$files $harness"
for f in $files; do
    # One module: imports of the project's own modules go away.
    sed -E '/^(internal |public )?import (ASCII|Timekeeping|JSON|HTTP1|SigV4|ContactModel)$/d' "$f" > "$work/src/$(echo "$f" | tr / _)"
done
cat > "$work/src/entry.swift" <<SWIFT
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    $call.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
SWIFT
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzzed "$work/src/"*.swift -o "$work/fuzzer" 2>&1 | grep -v "Cannot export local symbol" || true
# The fixture decoder compiles the model's patterns with Swift Regex once per process, and
# LeakSanitizer counts those process-lifetime objects as leaks: leak checks are off for it.
leaks=1
[ "$target" = fixture-decoder ] && leaks=0
ASAN_OPTIONS=detect_leaks=$leaks "$work/fuzzer" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 -detect_leaks=$leaks "$work/found" "fuzz/corpus/$target" 2>&1 | tee "$work/run.log" | grep -E "^#[0-9]+ +(DONE|pulse)|stat::|ERROR|SUMMARY" || true
if grep -q "ERROR: " "$work/run.log"; then
    echo "fuzz/$target: a finding, see $work/run.log; the input is the crash-* file here" >&2
    exit 1
fi
ASAN_OPTIONS=detect_leaks=$leaks "$work/fuzzer" -merge=1 "fuzz/corpus/$target" "$work/found" > "$work/merge.log" 2>&1
echo "fuzz/$target: $(ls "fuzz/corpus/$target" | wc -l) inputs in the committed corpus"
