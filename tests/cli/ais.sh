#!/usr/bin/env bash
# Black-box tests of `embargo ais decode` on the real AIS samples in $EM_SHARED_DIR/ais/samples:
# record counts (the sample with tag blocks holds 997 sentences of which 975 are messages of the
# types we decode and 4 of other types; the MarineCadastre export has 1,000 rows), both output
# formats, standard input, the skip summary and usage errors.
set -u
. "$(dirname "$0")/lib/harness.sh"
S=$EM_SHARED_DIR/ais/samples

expect "decode tag-block sample" 0 "$EMBARGO" ais decode "$S/aisdb_test_data_20211101.nm4"
same "975 records" "$(wc -l <"$work/out")" 975
same "every record has a receive time" "$(grep -c '"rxtime":"2021-11-01T' "$work/out")" 975
same "summary counts sentences and skips" "$(cat "$work/err")" \
	"ais decode: 1000 lines, 997 sentences, 975 messages, 4 type"
same "records are JSON objects" "$(jq -c 'select(.class == "AIS") | .mmsi' "$work/out" | wc -l)" 975

expect "decode from standard input" 0 sh -c "'$EMBARGO' ais decode --quiet - < '$S/aisdb_test_data_20211101.nm4'"
same "stdin gives the same count" "$(wc -l <"$work/out")" 975
same "--quiet prints no summary" "$(wc -c <"$work/err")" 0

expect "decode as CSV" 0 "$EMBARGO" ais decode --format csv "$S/aisdb_test_data_noaa_20230101.csv"
same "CSV header" "$(head -n 1 "$work/out")" \
	"rxtime,type,part,mmsi,lat,lon,speed,course,heading,status,turn,shipname,callsign,imo,shiptype,to_bow,to_stern,to_port,to_starboard,draught,destination,eta"
same "1000 CSV rows" "$(tail -n +2 "$work/out" | wc -l)" 1000
same "MarineCadastre row" "$(sed -n 3p "$work/out")" \
	"2023-01-11T00:00:00Z,1,,636021061,26.092410,-80.048060,8.8,272.7,270,8,,MSC NAISHA III,5LCB4,9307839,70,,,,,8.0,,"

expect "two inputs in order" 0 "$EMBARGO" ais decode --quiet "$S/pyais_gatehouse.nmea" "$S/pyais_timestamped.ais"
same "8 records" "$(wc -l <"$work/out")" 8
same "Gatehouse time on the first" "$(head -n 1 "$work/out" | jq -r .rxtime)" "2008-05-09T00:00:00.010Z"

expect "--errors names file and line" 0 "$EMBARGO" ais decode --errors "$S/pyais_gatehouse.nmea"
grep -q "pyais_gatehouse.nmea:7: skipped: checksum" "$work/err" && ok "skip line reported" || bad "skip line reported"

expect "missing file fails" 1 "$EMBARGO" ais decode "$work/none.nmea"
expect "no input is a usage error" 2 "$EMBARGO" ais decode
expect "bad format is a usage error" 2 "$EMBARGO" ais decode --format xml "$S/pyais_sample.ais"
expect "unknown subcommand is a usage error" 2 "$EMBARGO" ais frobnicate

finish
