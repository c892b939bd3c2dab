#!/usr/bin/env bash
# Black-box tests of `embargo ais scenario` and the ais-scenario tool: the same seed gives the
# same bytes from both, another seed other bytes; the truth file lists the seven incidents;
# gpsd's `gpsdecode` (Debian gpsd-clients) reads what we write with the same key fields as
# `embargo ais decode` (the full field-by-field comparison is tests/test_ais_gpsd.c); the scale
# mode gives the vessels asked for and no event; bad options are usage errors.
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_BUILD_DIR:?set EM_BUILD_DIR}"
TOOL=$EM_BUILD_DIR/tools/ais-scenario
# The fields users compare, for every record, in order (type 24: gpsd merges part A's name into
# part B and leaves out "part", so "part" is not compared).
KEYS='[.type,.mmsi,.lat,.lon,.speed,.course,.heading,.status,.shipname,.imo,.callsign,.destination,.shiptype,.to_bow,.to_stern,.draught,.eta]'

expect "scenario with truth" 0 "$EMBARGO" ais scenario --seed 1 --out "$work/s.nmea" --truth "$work/s.jsonl"
grep -q "^ais scenario: 5 vessels, .* 7 events$" "$work/err" && ok "summary on stderr" || bad "summary on stderr: $(cat "$work/err")"
same "7 truth lines" "$(wc -l <"$work/s.jsonl")" 7
same "truth kinds" "$(jq -r .kind "$work/s.jsonl" | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" \
	"encounter:1 gap:1 identity_change:1 port_call:2 spoofing:1 transit:1 "
same "gap of 20 hours" "$(jq -r 'select(.kind == "gap") | .hours' "$work/s.jsonl")" "20"
same "spoofing jump of 300 km in 10 minutes" \
	"$(jq -r 'select(.kind == "spoofing") | "\(.distance_km) \(.start) \(.end)"' "$work/s.jsonl")" \
	"300 2025-01-06T14:00:00Z 2025-01-06T14:10:00Z"
same "encounter 100-300 m apart" \
	"$(jq -r 'select(.kind == "encounter") | (.min_distance_m >= 100 and .max_distance_m <= 300)' "$work/s.jsonl")" true
same "transit Iran to Russia" "$(jq -r 'select(.kind == "transit") | "\(.from_country)-\(.to_country)"' "$work/s.jsonl")" "IR-RU"
same "every line starts with a tag block" "$(grep -cv '^\\c:[0-9]\{10\},s:caspian-sim\*[0-9A-F][0-9A-F]\\!AIVDM,' "$work/s.nmea")" 0

expect "ais-scenario tool" 0 "$TOOL" --out "$work/t.nmea" --truth "$work/t.jsonl"
cmp -s "$work/s.nmea" "$work/t.nmea" && ok "tool and CLI give the same bytes" || bad "tool and CLI give the same bytes"
cmp -s "$work/s.jsonl" "$work/t.jsonl" && ok "and the same truth" || bad "and the same truth"
expect "to standard output" 0 "$EMBARGO" ais scenario
cmp -s "$work/s.nmea" "$work/out" && ok "standard output has the same bytes" || bad "standard output has the same bytes"
expect "another seed" 0 "$EMBARGO" ais scenario --seed 2 --out "$work/s2.nmea"
cmp -s "$work/s.nmea" "$work/s2.nmea" && bad "another seed gives other bytes" || ok "another seed gives other bytes"

# gpsd reads our sentences as our decoder does.
expect "scenario with background vessels" 0 "$EMBARGO" ais scenario --background 20 --out "$work/bg.nmea"
for f in s bg; do
	gpsdecode -s <"$work/$f.nmea" >"$work/$f.gpsd.json" 2>/dev/null || bad "gpsdecode runs on $f (gpsd-clients installed?)"
	"$EMBARGO" ais decode --quiet "$work/$f.nmea" >"$work/$f.ours.json"
	n=$(wc -l <"$work/$f.ours.json")
	same "$f: gpsdecode gives as many records ($n)" "$(wc -l <"$work/$f.gpsd.json")" "$n"
	if diff <(jq -c "$KEYS" "$work/$f.gpsd.json") <(jq -c "$KEYS" "$work/$f.ours.json") >"$work/diff"; then
		ok "$f: key fields equal to gpsdecode's"
	else
		bad "$f: key fields equal to gpsdecode's"; head -n 6 "$work/diff"
	fi
done
same "types sent" "$(jq -r .type "$work/bg.ours.json" | sort -n | uniq | tr '\n' ' ')" "1 5 18 24 "

# Scale mode: N normal vessels, no event.
expect "scale mode" 0 "$EMBARGO" ais scenario --vessels 25 --hours 2 --out "$work/big.nmea" --truth "$work/big.jsonl"
same "no truth lines" "$(wc -l <"$work/big.jsonl")" 0
same "25 MMSIs" "$("$EMBARGO" ais decode --quiet "$work/big.nmea" | jq -r .mmsi | sort -u | wc -l)" 25

expect "seed not a number" 2 "$EMBARGO" ais scenario --seed x
expect "option without value" 2 "$EMBARGO" ais scenario --seed
expect "unknown option" 2 "$EMBARGO" ais scenario --colour red
expect "background and scale mode together" 2 "$EMBARGO" ais scenario --background 2 --vessels 2
expect "unwritable output" 1 "$EMBARGO" ais scenario --out "$work/no/such/dir.nmea"

finish
