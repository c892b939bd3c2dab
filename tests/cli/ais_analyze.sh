#!/usr/bin/env bash
# Black-box tests of `embargo ais analyze`: a small Caspian scenario written here as a
# MarineCadastre CSV (a vessel from Amirabad to Makhachkala with a 20-hour silence at sea, two
# vessels meeting 3 hours mid-sea, an MMSI jumping 300 km in 10 minutes, a vessel renamed) must
# give exactly its seven events, in all three formats (JSON checked with jq; the HTML page must
# load nothing from the network); thresholds from --config and --KEY, ports from --ports, errors
# naming file, line and key; screening with --list; the synthetic scenario of `embargo ais
# scenario` against its ground truth; the real samples (with and without receive times) from
# $EM_SHARED_DIR/ais/samples.
set -u
. "$(dirname "$0")/lib/harness.sh"
: "${EM_FIXTURES_DIR:?set EM_FIXTURES_DIR}"
S=$EM_SHARED_DIR/ais/samples
# jqt DESC FILE EXPR: the jq expression (over all lines slurped) is true
jqt() { if jq -e -s "$3" "$2" >/dev/null 2>&1; then ok "$1"; else bad "$1 ($3)"; fi; }

# The scenario: rows every 10 minutes from 2023-11-15T00:00:00 (t in seconds from then).
awk 'function row(mmsi, t, lat, lon, sog, name, d, h, m, s) {
	d = 15 + int(t / 86400); t %= 86400; h = int(t / 3600); m = int((t % 3600) / 60); s = t % 60
	printf "%d,2023-11-%02dT%02d:%02d:%02d,%.5f,%.5f,%.1f,0.0,0.0,%s,,,70,0.0,,,,,A\n", mmsi, d, h, m, s, lat, lon, sog, name
}
function legs(mmsi, t0, la0, lo0, la1, lo1, secs, sog, name, t) {
	for (t = 0; t <= secs; t += 600) row(mmsi, t0 + t, la0 + (la1 - la0) * t / secs, lo0 + (lo1 - lo0) * t / secs, sog, name)
}
BEGIN {
	print "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass"
	# Amirabad (36.86, 53.38) -> Makhachkala (42.98, 47.51): 6 h in port, a third of the way
	# (16 h), silent 20 h, the last third (16 h), 6 h in port
	la1 = 36.86 + 6.12 / 3; lo1 = 53.38 - 5.87 / 3; la2 = 36.86 + 2 * 6.12 / 3; lo2 = 53.38 - 2 * 5.87 / 3
	legs(273000005, 0, 36.86, 53.38, 36.86, 53.38, 21600, 0, "CASPIAN TRADER")
	legs(273000005, 21600, 36.86, 53.38, la1, lo1, 57600, 9.5, "CASPIAN TRADER")
	legs(273000005, 151200, la2, lo2, 42.98, 47.51, 57600, 9.5, "CASPIAN TRADER")
	legs(273000005, 208800, 42.98, 47.51, 42.98, 47.51, 21600, 0, "CASPIAN TRADER")
	# two vessels converge on (41.5, 50.5), 200 m apart for 3 h at 0.2 knots, then part
	legs(273000010, 0, 41.5, 50.26, 41.5, 50.5, 3600, 10, "MEETER ONE")
	legs(273000011, 0, 41.5018, 50.74, 41.5018, 50.5, 3600, 10, "MEETER TWO")
	legs(273000010, 4200, 41.5, 50.5, 41.5, 50.5025, 10800, 0.2, "MEETER ONE")
	legs(273000011, 4200, 41.5018, 50.5, 41.5018, 50.5025, 10800, 0.2, "MEETER TWO")
	legs(273000010, 15600, 41.5, 50.5025, 41.34, 50.5025, 3600, 10, "MEETER ONE")
	legs(273000011, 15600, 41.5018, 50.5025, 41.66, 50.5025, 3600, 10, "MEETER TWO")
	# an MMSI that jumps 300 km south in 10 minutes, then sails on
	legs(273000040, 0, 40.0, 51.0, 40.0, 51.06, 1800, 8, "JUMPER")
	legs(273000040, 2400, 37.3, 51.06, 37.3, 51.12, 1800, 8, "JUMPER")
	# a vessel renamed halfway
	legs(273000030, 0, 42.0, 49.5, 42.0, 49.8, 10800, 9, "OLD NAME")
	legs(273000030, 11400, 42.0, 49.82, 42.0, 50.1, 10800, 9, "NEW NAME")
}' >"$work/scenario.csv"

expect "analyze the scenario" 0 "$EMBARGO" ais analyze "$work/scenario.csv"
cp "$work/out" "$work/events.jsonl"
same "every line is one JSON event" "$(jq -c 'select(.event)' "$work/events.jsonl" | wc -l)" "$(wc -l <"$work/events.jsonl")"
same "exactly the scenario's events" "$(jq -r .event "$work/events.jsonl" | sort | uniq -c | awk '{printf "%s:%s ", $2, $1}')" \
	"encounter:1 gap:1 identity_change:1 port_call:2 spoofing:1 transit:1 "
jqt "the gap: CASPIAN TRADER, 20 hours, positions before and after, implied speed" "$work/events.jsonl" \
	'[.[] | select(.event == "gap")][0] | .mmsi == 273000005 and .name == "CASPIAN TRADER" and .evidence.hours == 20
	 and (.positions | length) == 2 and .evidence.implied_knots > 5 and .evidence.implied_knots < 10 and .evidence.distance_km > 250'
jqt "times are ISO 8601 UTC" "$work/events.jsonl" \
	'all(.[]; (.start | test("^2023-11-1[5-9]T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")) and (.end | test("Z$")) and all(.positions[]; (.time | test("Z$")) and (.lat | type) == "number"))'
jqt "port calls at Amirabad then Makhachkala" "$work/events.jsonl" \
	'[.[] | select(.event == "port_call") | .evidence.port] == ["Amirabad", "Makhachkala"]'
jqt "the transit IR to RU, dark, listing its gap" "$work/events.jsonl" \
	'[.[] | select(.event == "transit")][0] | .evidence.from_country == "IR" and .evidence.to_country == "RU" and .evidence.dark == true and (.evidence.gaps | length) == 1'
jqt "the encounter names both vessels, over 2 h, 200 m apart" "$work/events.jsonl" \
	'[.[] | select(.event == "encounter")][0] | .mmsi == 273000010 and .other.mmsi == 273000011 and .other.name == "MEETER TWO"
	 and .evidence.hours >= 3 and .evidence.median_distance_m > 150 and .evidence.median_distance_m < 250'
jqt "the jump: 300 km in 10 minutes" "$work/events.jsonl" \
	'[.[] | select(.event == "spoofing")][0] | .mmsi == 273000040 and .evidence.jumps == 1 and .evidence.minutes == 10 and (.evidence.distance_km | floor) == 300'
jqt "the renaming, old and new names" "$work/events.jsonl" \
	'[.[] | select(.event == "identity_change")][0] | .mmsi == 273000030 and .evidence.field == "shipname" and .evidence.old == "OLD NAME" and .evidence.new == "NEW NAME"'
grep -q "vessels not screened" "$work/err" && ok "summary says vessels were not screened" || bad "summary says vessels were not screened"

expect "GeoJSON" 0 "$EMBARGO" ais analyze --quiet --format geojson "$work/scenario.csv"
cp "$work/out" "$work/a.geojson"
jqt "a FeatureCollection" "$work/a.geojson" '.[0].type == "FeatureCollection"'
jqt "one LineString per track" "$work/a.geojson" \
	'[.[0].features[] | select(.properties.kind == "track")] | length == 5 and all(.[]; .geometry.type == "LineString" and (.geometry.coordinates | length) > 5)'
jqt "tracks carry the identity history" "$work/a.geojson" \
	'[.[0].features[] | select(.properties.mmsi == 273000030 and .properties.kind == "track")][0].properties.identities | map(.name) == ["OLD NAME", "NEW NAME"]'
jqt "the events as features, the gap a line" "$work/a.geojson" \
	'[.[0].features[] | select(.properties.kind == "event")] | length == 7 and (map(select(.properties.event == "gap"))[0].geometry.type == "LineString")'
jqt "the ports as points" "$work/a.geojson" \
	'[.[0].features[] | select(.properties.kind == "port")] | length == 10 and any(.[]; .properties.name == "Makhachkala" and .geometry.coordinates == [47.51, 42.98])'

# The issue's form puts the options after the files.
expect "options after the file (FILE --format geojson)" 0 "$EMBARGO" ais analyze "$work/scenario.csv" --format geojson --quiet
cmp -s "$work/out" "$work/a.geojson" && ok "the same GeoJSON either way" || bad "the same GeoJSON either way"
expect "ais decode FILE --format csv" 0 "$EMBARGO" ais decode "$work/scenario.csv" --format csv --quiet
head -n 1 "$work/out" | grep -q '^rxtime,type,' && ok "decode options after the file" || bad "decode options after the file"

expect "HTML" 0 "$EMBARGO" ais analyze --quiet --format html -o "$work/a.html" "$work/scenario.csv"
same "one HTML page" "$(head -c 15 "$work/a.html")" "<!DOCTYPE html>"
if grep -Eiq 'https?://|<script|<link|<img|@import|url\(' "$work/a.html"; then bad "the page loads nothing"; else ok "the page loads nothing"; fi
grep -q '<svg' "$work/a.html" && grep -q 'stroke-dasharray="8 5"' "$work/a.html" && ok "a map with the gap dashed" || bad "a map with the gap dashed"
same "the event table has the seven events" "$(grep -c '^<tr><td style="color' "$work/a.html")" 7
grep -q 'Makhachkala (RU)' "$work/a.html" && ok "ports labelled on the map" || bad "ports labelled on the map"

# The synthetic scenario of `embargo ais scenario` (em_ais_gen.h): exactly the events of its
# ground truth, same kinds, vessels and times (within 5 minutes), and nothing else.
exact='([$t[] | [.kind, (.mmsi | sort), (.start | fromdate), (.end | fromdate)]] | sort) as $want
	| ([.[] | [.event, ([.mmsi, .other.mmsi] | map(select(. != null)) | sort), (.start | fromdate), (.end | fromdate)]] | sort) as $got
	| ($want | length) == ($got | length)
	and all(range($want | length); $want[.][0] == $got[.][0] and $want[.][1] == $got[.][1]
		and ($want[.][2] - $got[.][2] | fabs) <= 300 and ($want[.][3] - $got[.][3] | fabs) <= 300)'
for args in "--seed 1" "--seed 8 --background 40"; do
	if ! "$EMBARGO" ais scenario $args --out "$work/sc.nmea" --truth "$work/truth.jsonl" 2>/dev/null; then
		bad "ais scenario $args"
		continue
	fi
	expect "analyze the synthetic scenario ($args)" 0 "$EMBARGO" ais analyze --quiet "$work/sc.nmea"
	if jq -e -s --slurpfile t "$work/truth.jsonl" "$exact" "$work/out" >/dev/null; then ok "exactly the ground truth ($args)"; else
		bad "exactly the ground truth ($args)"
		jq -r -s '.[] | "     got  \(.event) \(.mmsi) \(.start) \(.end)"' "$work/out"
		jq -r '"     want \(.kind) \(.mmsi) \(.start) \(.end)"' "$work/truth.jsonl"
	fi
	jqt "the renaming is a shipname change ($args)" "$work/out" \
		'[.[] | select(.event == "identity_change")][0].evidence | .field == "shipname" and .old == "ARAS 1" and .new == "ARAS PEYK"'
done

# Thresholds
printf '# stricter\ngap_hours = 30\n' >"$work/t.conf"
expect "--config raises the gap threshold" 0 "$EMBARGO" ais analyze --quiet --config "$work/t.conf" "$work/scenario.csv"
same "no gap, the transit no longer dark" "$(jq -r 'select(.event == "gap" or .event == "transit") | "\(.event) \(.evidence.dark)"' "$work/out")" "transit false"
expect "--gap-hours sets the same key" 0 "$EMBARGO" ais analyze --quiet --gap-hours 30 "$work/scenario.csv"
same "no gap either" "$(jq -r 'select(.event == "gap") | .event' "$work/out" | wc -l)" 0
expect "--encounter-hours 4: no encounter" 0 "$EMBARGO" ais analyze --quiet --encounter-hours 4 "$work/scenario.csv"
same "no encounter" "$(jq -r 'select(.event == "encounter") | .event' "$work/out" | wc -l)" 0
printf 'gap_hours = 12\n\nloitering_hours = soon\n' >"$work/bad.conf"
expect "a bad value fails" 1 "$EMBARGO" ais analyze --config "$work/bad.conf" "$work/scenario.csv"
grep -q "bad.conf:3: key 'loitering_hours': 'soon' is not a number" "$work/err" && ok "error names file, line and key" || bad "error names file, line and key"
printf 'gap_hours = 12\nfoo = 1\n' >"$work/bad.conf"
expect "an unknown key fails" 1 "$EMBARGO" ais analyze --config "$work/bad.conf" "$work/scenario.csv"
grep -q "bad.conf:2: unknown key 'foo'" "$work/err" && ok "unknown key named" || bad "unknown key named"
expect "a bad --KEY value is a usage error" 2 "$EMBARGO" ais analyze --gap-hours -3 "$work/scenario.csv"
expect "the shipped example loads" 0 "$EMBARGO" ais analyze --quiet --config "$(dirname "$0")/../../data/ais/thresholds.conf" "$work/scenario.csv"
same "and gives the same events" "$(md5sum <"$work/out")" "$(md5sum <"$work/events.jsonl")"

# Ports
printf 'name\tcountry\tlat\tlon\tentry_km\texit_km\nMakhachkala\tKZ\t42.98\t47.51\t3\t4\n' >"$work/ports.tsv"
expect "--ports overrides a port" 0 "$EMBARGO" ais analyze --quiet --ports "$work/ports.tsv" "$work/scenario.csv"
same "Makhachkala in KZ: no transit" "$(jq -r 'select(.event == "transit") | .event' "$work/out" | wc -l)" 0
printf 'name\tcountry\tlat\tlon\nNowhere\tIR\tnorth\t47\n' >"$work/ports.tsv"
expect "a bad port file fails" 1 "$EMBARGO" ais analyze --ports "$work/ports.tsv" "$work/scenario.csv"
grep -q "ports.tsv:2: field 'lat'" "$work/err" && ok "port error names file, line and field" || bad "port error names file, line and field"

# Screening: a listed vessel (OCEAN PEARL, MMSI 351234000, IMO 9387421 in the fixture list)
printf 'MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass\n351234000,2023-11-15T01:00:00,41.0,51.0,8.0,0,0,OCEAN PEARL,IMO9387421,3FQZ7,80,0,,,,,A\n351234000,2023-11-15T01:10:00,41.02,51.0,8.0,0,0,OCEAN PEARL,IMO9387421,3FQZ7,80,0,,,,,A\n' >"$work/listed.csv"
expect "screening with --list" 0 "$EMBARGO" ais analyze --list "$EM_FIXTURES_DIR/golden/list.csv" "$work/scenario.csv" "$work/listed.csv"
same "one listed_vessel event" "$(jq -r 'select(.event == "listed_vessel") | "\(.mmsi) \(.evidence.match.name)"' "$work/out")" "351234000 OCEAN PEARL"
expect "screening in GeoJSON" 0 "$EMBARGO" ais analyze --quiet --format geojson --list "$EM_FIXTURES_DIR/golden/list.csv" "$work/listed.csv"
jqt "the track's screening block" "$work/out" '[.[0].features[] | select(.properties.kind == "track")][0].properties.screening[0].name == "OCEAN PEARL"'

# Real samples
expect "NMEA with tag blocks" 0 "$EMBARGO" ais analyze "$S/aisdb_test_data_20211101.nm4"
jqt "valid JSON lines" "$work/out" 'all(.[]; .event and .mmsi and .start and .evidence)'
grep -q "975 messages, 915 positions, 821 vessels, 0 without a receive time" "$work/err" && ok "counts of the tag-block sample" || bad "counts of the tag-block sample ($(cat "$work/err"))"
expect "NMEA without receive times" 0 "$EMBARGO" ais analyze "$S/gpsd_sample.aivdm"
grep -Eq "[1-9][0-9]* without a receive time \(not analysed\)" "$work/err" && ok "messages without a time counted" || bad "messages without a time counted"
same "and nothing invented" "$(wc -c <"$work/out")" 0
expect "CSV export to GeoJSON" 0 "$EMBARGO" ais analyze --quiet --format geojson "$S/aisdb_test_data_20210701.csv"
jqt "valid GeoJSON" "$work/out" '.[0].type == "FeatureCollection" and (.[0].features | length) > 2000'

expect "no input is a usage error" 2 "$EMBARGO" ais analyze
expect "bad format is a usage error" 2 "$EMBARGO" ais analyze --format kml "$work/scenario.csv"
expect "missing file fails" 1 "$EMBARGO" ais analyze "$work/none.csv"

finish
