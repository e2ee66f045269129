#!/usr/bin/env bash
# Builds one libFuzzer target and runs it for a bounded time, then merges what it found into
# the committed corpus (fuzz/corpus/TARGET), which `swift test` replays.
#   scripts/fuzz.sh http-parser|authorization|fixture-decoder|yaml-config|timestamp [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1
seconds=${2:-60}
case $target in
    http-parser) modules="ASCII Timekeeping HTTP1"; harness=Tests/FuzzTests/HTTPParserFuzzHarness.swift; call=HTTPParserFuzzHarness ;;
    authorization) modules="ASCII Timekeeping"; extra="Sources/SigV4/SigV4Failure.swift Sources/SigV4/SignatureInput.swift Sources/SigV4/URIEncoding.swift"
        harness=Tests/FuzzTests/AuthorizationFuzzHarness.swift; call=AuthorizationFuzzHarness ;;
    fixture-decoder) modules="ASCII Timekeeping JSON ContactModel"; harness=Tests/FuzzTests/FixtureDecoderFuzzHarness.swift; call=FixtureDecoderFuzzHarness ;;
    # The config reader: MockConfig.parse and what it reads with, Yams built beside it as its
    # own module (with libyaml, instrumented too). A hang is a finding: -timeout.
    yaml-config) modules="ASCII Timekeeping JSON ContactModel"; yams=1; flags="-timeout=10"
        extra="Sources/ConnectMock/ConfigDecoding.swift Sources/ConnectMock/MockConfig.swift Sources/ConnectMock/ConfigSections.swift Sources/ConnectMock/FaultRule.swift Sources/ConnectMock/DataClock.swift Sources/ConnectMock/DefaultConfig.swift"
        harness=Tests/ConnectMockTests/ConfigReaderFuzzHarness.swift; call=ConfigReaderFuzzHarness ;;
    timestamp) modules="ASCII Timekeeping JSON ContactModel"; flags="-timeout=10"; harness=Tests/FuzzTests/TimestampFuzzHarness.swift; call=TimestampFuzzHarness ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
esac
work=.build-fuzz/$target
rm -rf "$work/src" && mkdir -p "$work/src" "$work/found" "fuzz/corpus/$target"
files="${extra:-}"
for m in $modules; do files="$files $(ls Sources/$m/*.swift)"; done
files="$files $harness"
for f in $files; do
    # One module: imports of the project's own modules go away.
    sed -E '/^(internal |public )?import (ASCII|Timekeeping|JSON|HTTP1|SigV4|ContactModel|ConnectMock)$/d' "$f" > "$work/src/$(echo "$f" | tr / _)"
done
linkwith=""
if [ -n "${yams:-}" ]; then
    # Yams as SwiftPM checked it out (swift build resolves it), compiled as module Yams over
    # libyaml (its CYaml target), both with the fuzzer's coverage and AddressSanitizer.
    yamsdir=.build/checkouts/Yams/Sources
    [ -d "$yamsdir" ] || swift package resolve
    mkdir -p "$work/yams"
    for c in "$yamsdir"/CYaml/src/*.c; do
        clang -c -O1 -g -fsanitize=fuzzer-no-link,address -I "$yamsdir/CYaml/include" "$c" -o "$work/yams/$(basename "$c" .c).o"
    done
    swiftc -O -sanitize=fuzzer,address -parse-as-library -wmo -module-name Yams -DSWIFT_PACKAGE -I "$yamsdir/CYaml/include" \
        -emit-module -emit-module-path "$work/yams/Yams.swiftmodule" -c "$yamsdir"/Yams/*.swift -o "$work/yams/Yams.o" 2>&1 \
        | grep -v "warning:" || true
    linkwith="-I $work/yams -I $yamsdir/CYaml/include $work/yams/*.o"
fi
cat > "$work/src/entry.swift" <<SWIFT
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    $call.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
SWIFT
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name Fuzzed "$work/src/"*.swift $linkwith -o "$work/fuzzer" 2>&1 | grep -v "Cannot export local symbol" || true
# The fixture decoder compiles the model's patterns with Swift Regex once per process, and
# LeakSanitizer counts those process-lifetime objects as leaks: leak checks are off for it.
leaks=1
[ "$target" = fixture-decoder ] && leaks=0
ASAN_OPTIONS=detect_leaks=$leaks "$work/fuzzer" -max_total_time="$seconds" -max_len=8192 -print_final_stats=1 -detect_leaks=$leaks ${flags:-} "$work/found" "fuzz/corpus/$target" 2>&1 | tee "$work/run.log" | grep -E "^#[0-9]+ +(DONE|pulse)|stat::|ERROR|SUMMARY" || true
if grep -q "ERROR: " "$work/run.log"; then
    echo "fuzz/$target: a finding, see $work/run.log; the input is the crash-* file here" >&2
    exit 1
fi
ASAN_OPTIONS=detect_leaks=$leaks "$work/fuzzer" -merge=1 "fuzz/corpus/$target" "$work/found" > "$work/merge.log" 2>&1
echo "fuzz/$target: $(ls "fuzz/corpus/$target" | wc -l) inputs in the committed corpus"
