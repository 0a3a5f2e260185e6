#!/usr/bin/env bash
# tests/readme_check.sh - re-runs what README.md and docs/*.md show wi printing, and compares.
#
# usage: bash tests/readme_check.sh [--quick] [FILE.md...]    (default: README.md docs/*.md)
#
# What is checked (a README author's guide; nothing else needs marking):
#
#   * Every ```text block whose lines start with `$ ./wi ...`: each such command is run and its
#     standard output must be the lines that follow it, up to the next `$ ` line or the block's
#     end. A line that is `...` alone (indented or not) stands for any number of lines left out
#     there (at the start, in the middle or at the end). Trailing blanks are ignored; nothing
#     else is. Only standard output is compared (add 2>&1 to the command to show stderr too).
#   * An HTML comment on the line(s) right before a block, table or paragraph gives directives,
#     separated by `;`:   <!-- readme-check: DIRECTIVE; DIRECTIVE -->
#       slow                 the commands take minutes: run by the full form only
#       needs avx512         skipped, with one line, on a CPU without that instruction set
#                            (also avx2); for outputs of the simd path, which rounds differently
#       needs default-build  skipped when README_CHECK_BUILD names another build (san: -O1,
#                            whose simd code rounds differently from the -O3 build's)
#       drop-column NAME     the output's column headed NAME (e.g. seconds) is cut out before
#                            comparing, from its header line to the last row under it
#       skip REASON          not checked; the reason is printed
#     A table under such a comment (by convention its first directive is `table`): every row
#     whose cells hold a `./wi ...` in backticks is run (rows without one are not), and
#       numbers COLUMN       each number in that column's cell appears in the output, as a
#                            whole number (0.93 is not found in 0.932)
#       after TEXT           ... in the output from its first line containing TEXT on
#       quotes COLUMN        each `backticked` text in that column's cell appears in the output
#       last-line COLUMN     the cell's `backticked` text is the output's last line (a trailing
#                            `...` in it: the line starts so)
#       not-checked COLUMN: REASON   a column that cannot be re-run for equality (timings)
#     COLUMN is the header cell's text exactly. A paragraph under a comment with
#       prose CMD            every number of the paragraph appears in CMD's output
#       from TEXT, to TEXT   only the numbers after TEXT / before TEXT
#       except N N ...       numbers it quotes from elsewhere (a paper, a setting)
#     A comment with any of these is one on its own (it checks nothing after it):
#       run CMD              run CMD (as above; each in an empty out/) before the checks below
#       png-size FILE WxH    FILE's PNG header says W x H pixels; out/NAME is the out/ of the
#                            runs above, any other FILE the repository's
#       measured-record REASON   the file's tables are measurements of a date and machine
#                            (timings), not re-runnable: excluded, with REASON printed
#     Every "W×H" (3 digits or more each) in a file's prose must be a size its png-size
#     directives state, and "all are W×H" only when they all state it.
#   Example, a block whose seconds column is left out, for the simd (avx512) path:
#     <!-- readme-check: needs avx512; drop-column seconds -->
#     ```text
#     $ ./wi --compare xavier,zeros
#     ...
#     ```
#   Tables and blocks with no directive and no `$ ./wi` line are not wi output: counted only.
#
# Commands run in a scratch tree (links to the repository's files, a copy of the wi under test,
# an empty out/ and no data/) with WI_NO_FETCH=1 and OMP_NUM_THREADS=2, so the data is always the
# bundled sample and the `train:` line reads "2 threads" on any machine. The same command is run
# once however often it is quoted.
#
# --quick leaves out the `slow` items (the experiments). Prints one line per item checked or
# skipped, a mismatch as a unified-diff-like excerpt naming the file and line, the block and the
# command, and ends with "readme-check (quick|full, T s): OK|FAILED - C checked, M mismatched,
# S skipped" (a png-size or a stated size counts as one check, a block's command or a table or
# paragraph as one).
# Exits 1 on any mismatch, 2 on bad usage.
#
# Environment: WI_BIN (the wi under test, default ./wi), README_CHECK_CPU_FLAGS (the CPU's
# flags, default from /proc/cpuinfo), README_CHECK_THREADS (2), README_CHECK_BUILD (default; the
# sanitizer suite sets san).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
quick=0
files=()
for a in "$@"; do
    case $a in
        --quick) quick=1 ;;
        --full) quick=0 ;;
        -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        -*) echo "readme-check: unknown option $a (usage: readme_check.sh [--quick] [FILE.md...])" >&2; exit 2 ;;
        *) files+=("$a") ;;
    esac
done
if [ ${#files[@]} -eq 0 ]; then files=("$root/README.md" "$root"/docs/*.md); fi
wi=${WI_BIN:-$root/wi}
[ -x "$wi" ] || { echo "readme-check: no wi binary at $wi (run make)" >&2; exit 2; }
for f in "${files[@]}"; do [ -f "$f" ] || { echo "readme-check: no file $f" >&2; exit 2; }; done
cpuflags=" ${README_CHECK_CPU_FLAGS-$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2)} "
threads=${README_CHECK_THREADS:-2}
build=${README_CHECK_BUILD:-default}

work=$(mktemp -d "${TMPDIR:-/tmp}/readme-check-XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree/out" "$work/items" "$work/cache"
for e in "$root"/* "$root"/.[!.]*; do
    [ -e "$e" ] || continue
    case ${e##*/} in wi | data | out | .git) continue ;; esac
    ln -s "$e" "$tree/${e##*/}"
done
cp "$wi" "$tree/wi"

checked=0 mismatched=0 skipped=0
say() { printf '%s\n' "$*"; }
rel() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

# ---- parse: each file into items under $work/items/NNNN.* --------------------------------------
# NNNN.meta: kind<TAB>line (kind: block, table, prose, files, record); NNNN.dirs: one directive a
# line; block: NNNN.cmdK, NNNN.expK (expected lines), NNNN.lnK (their line numbers); table:
# NNNN.rows (cells separated by TAB, header first), NNNN.rowln; prose: NNNN.text.
PARSE='
function flush_dirs(   i) { pending = ""; npend = 0 }
function emit_dirs(p,   i) { printf "" > (p ".dirs"); for (i = 1; i <= npend; i++) print dir[i] > (p ".dirs"); close(p ".dirs"); npend = 0 }
function newitem(kind, line) { n++; pfx = sprintf("%s/%04d", out, n); print kind "\t" line > (pfx ".meta"); close(pfx ".meta"); emit_dirs(pfx); return pfx }
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function add_dirs(s,   parts, k, m) {
    m = split(s, parts, ";")
    for (k = 1; k <= m; k++) { parts[k] = trim(parts[k]); if (parts[k] != "") dir[++npend] = parts[k] }
}
function standalone(   k) { for (k = 1; k <= npend; k++) if (dir[k] ~ /^(png-size|run|measured-record)( |$)/) return 1; return 0 }
BEGIN { n = 0; npend = 0; infence = 0; intable = 0; inpara = 0 }
{ sub(/\r$/, "") }
infence {
    if ($0 ~ /^```[ \t]*$/) { infence = 0; if (cur != "" && k > 0) close(cur ".exp" k); next }
    if (cur == "") next
    if ($0 ~ /^\$ /) { k++; c = substr($0, 3); print c > (cur ".cmd" k); close(cur ".cmd" k); printf "" > (cur ".exp" k); printf "" > (cur ".ln" k); next }
    if (k > 0) { print $0 > (cur ".exp" k); print NR > (cur ".ln" k) }
    next
}
intable && $0 !~ /^\|/ { intable = 0; close(cur ".rows"); close(cur ".rowln") }
inpara && $0 ~ /^[ \t]*$/ { inpara = 0; close(cur ".text") }
inpara { print $0 > (cur ".text"); next }
intable {
    if ($0 ~ /^\|[- |:]+\|[ \t]*$/) next
    line = $0; sub(/^\|/, "", line); sub(/\|[ \t]*$/, "", line)
    m = split(line, cells, "|"); row = ""
    for (j = 1; j <= m; j++) row = row (j > 1 ? "\t" : "") trim(cells[j])
    print row > (cur ".rows"); print NR > (cur ".rowln"); next
}
/^<!-- readme-check:.*-->[ \t]*$/ {
    s = $0; sub(/^<!-- readme-check:/, "", s); sub(/-->[ \t]*$/, "", s); add_dirs(s)
    if (standalone()) { newitem("files", NR) }
    next
}
/^```/ {
    infence = 1; k = 0; cur = ""
    lang = $0; sub(/^```/, "", lang); lang = trim(lang)
    if (lang == "text" || npend > 0) cur = newitem("block", NR); else npend = 0
    next
}
/^\|/ {
    intable = 1; cur = newitem("table", NR)
    line = $0; sub(/^\|/, "", line); sub(/\|[ \t]*$/, "", line)
    m = split(line, cells, "|"); row = ""
    for (j = 1; j <= m; j++) row = row (j > 1 ? "\t" : "") trim(cells[j])
    print row > (cur ".rows"); print NR > (cur ".rowln"); next
}
/^[ \t]*$/ { next }
{
    if (npend > 0) { inpara = 1; cur = newitem("prose", NR); print $0 > (cur ".text"); next }
}
'

# ---- compare: expected (with its line numbers) against actual, `...` as a gap ------------------
COMPARE='
function rstrip(s) { sub(/[ \t]+$/, "", s); return s }
function show(ei, aj,   x) {
    printf "  first difference: %s:%s (output line %d)\n", file, (ei <= n ? EL[ei] : "end of block"), aj
    printf "  @@ expected (-) / wi printed (+) @@\n"
    for (x = aj - 2; x < aj; x++) if (x >= 1 && x <= m) printf "   %s\n", A[x]
    if (ei <= n) printf "  -%s\n", E[ei]; else printf "  -(end of block)\n"
    if (aj <= m) printf "  +%s\n", A[aj]; else printf "  +(end of output)\n"
    if (ei + 1 <= n && aj + 1 <= m && E[ei + 1] == A[aj + 1]) printf "   %s\n", A[aj + 1]
    else {
        if (ei + 1 <= n && E[ei + 1] != "...") printf "  -%s\n", E[ei + 1]
        if (aj + 1 <= m) printf "  +%s\n", A[aj + 1]
    }
    bad = 1; exit 1
}
function seg_at(s, L, k,   q) { if (k < 1 || k + L - 1 > m) return 0; for (q = 0; q < L; q++) if (A[k + q] != E[s + q]) return 0; return 1 }
FILENAME == ARGV[1] { E[++n] = rstrip($0); if (E[n] ~ /^[ \t]*\.\.\.$/) E[n] = "..."; next }
FILENAME == ARGV[2] { EL[++nl] = $0; next }
{ A[++m] = rstrip($0) }
END {
    if (bad) exit 1
    i = 1; j = 1; gap = 0
    while (i <= n) {
        if (E[i] == "...") { gap = 1; i++; continue }
        t = i; while (t <= n && E[t] != "...") t++
        L = t - i
        if (!gap) {
            for (q = 0; q < L; q++) if (j + q > m || A[j + q] != E[i + q]) show(i + q, j + q)
            j += L
        } else {
            found = 0
            if (t > n) { k = m - L + 1; if (k >= j && seg_at(i, L, k)) found = k }
            else for (k = j; k + L - 1 <= m; k++) if (seg_at(i, L, k)) { found = k; break }
            if (!found) {
                for (k = j; k <= m; k++) if (A[k] == E[i]) break
                if (k > m) { printf "  %s:%s: no output line from line %d on reads so\n", file, EL[i], j; printf "  -%s\n", E[i]; exit 1 }
                for (q = 0; q < L; q++) if (k + q > m || A[k + q] != E[i + q]) show(i + q, k + q)
            }
            j = found + L
        }
        gap = 0; i = t
    }
    if (!gap && j <= m) show(n + 1, j)
}
'

# ---- drop-column NAME: cut the column headed NAME out of the output ----------------------------
DROPCOL='
function rstrip(s) { sub(/[ \t]+$/, "", s); return s }
function wordpos(s, w,   off, p, b, a) {
    off = 0
    while ((p = index(substr(s, off + 1), w)) > 0) {
        p += off; b = (p == 1) ? " " : substr(s, p - 1, 1); a = substr(s, p + length(w), 1)
        if (b == " " && (a == " " || a == "")) return p
        off = p
    }
    return 0
}
state == 2 { print; next }
state == 1 {
    cell = substr($0, cs + 1, last ? length($0) : ce - cs)
    if (length($0) > cs && cell ~ (last ? "^ +[^ ]+ *$" : "^ +[^ ]+$")) { print rstrip(substr($0, 1, cs) (last ? "" : substr($0, ce + 1))); next }
    state = 2; print; next
}
{
    p = wordpos($0, name)
    if (p == 0) { print; next }
    cs = p - 1; while (cs > 0 && substr($0, cs, 1) == " ") cs--
    ce = p + length(name) - 1; last = (rstrip(substr($0, ce + 1)) == "")
    print rstrip(substr($0, 1, cs) (last ? "" : substr($0, ce + 1))); state = 1
}
'

# has_numbers TEXTFILE NUMBER...: prints the numbers not found in TEXTFILE as standalone numbers
HASNUM='
function found(num,   off, p, b, a, a2) {
    off = 0
    while ((p = index(substr(text, off + 1), num)) > 0) {
        p += off; b = (p == 1) ? " " : substr(text, p - 1, 1)
        a = substr(text, p + length(num), 1); a2 = substr(text, p + length(num) + 1, 1)
        if (b !~ /[0-9.]/ && a !~ /[0-9]/ && !(a == "." && a2 ~ /[0-9]/) && !(a ~ /[eE]/ && a2 ~ /[-+0-9]/)) return 1
        off = p
    }
    return 0
}
{ text = text $0 "\n" }
END { for (i = 1; i < ARGC2; i++) if (!found(nums[i])) printf "%s ", nums[i] }
'
missing_numbers() {  # missing_numbers OUTPUTFILE N...
    local f=$1; shift
    awk -v list="$*" 'BEGIN { ARGC2 = split(list, nums, " ") + 1 } '"$HASNUM" "$f"
}
numbers_in() {  # the numbers a text states: 2,400 is 2400, 1.2e-05 one number, fc1 or W_1 none
    sed -E 's/(^|[^0-9.A-Za-z_])[A-Za-z_]+[0-9][0-9A-Za-z_]*/\1 /g' <<<"$1" | grep -oE '[0-9]+(,[0-9]{3})*(\.[0-9]+)?(e[-+]?[0-9]+)?' | sed 's/,//g'
}

# run_cached CMD: runs CMD in the scratch tree (once per distinct CMD); prints the output's path
run_cached() {
    local key
    key=$(printf '%s' "$1" | cksum | cut -d' ' -f1)
    local o=$work/cache/$key
    if [ ! -f "$o" ]; then
        find "$tree/out" -mindepth 1 -delete 2>/dev/null
        (cd "$tree" && WI_NO_FETCH=1 OMP_NUM_THREADS=$threads timeout 1800 bash -c "$1" >"$o.tmp" 2>"$o.err" </dev/null)
        echo $? >"$o.rc"
        mv "$o.tmp" "$o"
        mkdir "$o.out" && find "$tree/out" -mindepth 1 -maxdepth 1 -exec mv {} "$o.out/" \;
    fi
    printf '%s' "$o"
}

# directives of item P: dir_has P KEY, dir_arg P KEY (the text after KEY), dir_args P KEY (all)
dir_has() { grep -qE "^$2( |$)" "$1.dirs" 2>/dev/null; }
dir_arg() { sed -n "s/^$2 //p" "$1.dirs" 2>/dev/null | head -n 1; }
dir_args() { sed -n "s/^$2 //p" "$1.dirs" 2>/dev/null; }

# skip_reason P WHAT: empty when P is to be checked in this run
skip_reason() {
    local p=$1 r f
    if dir_has "$p" skip; then printf 'skipped: %s' "$(dir_arg "$p" skip)"; return; fi
    if [ $quick = 1 ] && dir_has "$p" slow; then printf 'slow (minutes; the full form, make readme-check, runs it)'; return; fi
    for f in $(dir_args "$p" needs); do
        if [ "$f" = default-build ]; then
            [ "$build" = default ] || { printf 'needs default-build (the rounding of the -O3 build; this wi is a %s build)' "$build"; return; }
            continue
        fi
        r=$f; [ "$f" = avx512 ] && r=avx512f
        case $cpuflags in *" $r "*) ;; *) printf 'needs %s (the output of that path; this CPU has no %s)' "$f" "$r"; return ;; esac
    done
}
mark_skip() { say "SKIP  $1 - $2"; skipped=$((skipped + 1)); }
mark_ok() { say "ok    $1"; checked=$((checked + 1)); }
mark_bad() { say "MISMATCH  $1"; checked=$((checked + 1)); mismatched=$((mismatched + 1)); }

check_block() {  # check_block P FILE LINE
    local p=$1 f=$2 line=$3 k cmd o why act excerpt col
    for k in $(ls "$p".cmd* 2>/dev/null | sed 's/.*\.cmd//' | sort -n); do
        cmd=$(cat "$p.cmd$k")
        local what="$(rel "$f"):$line block, \$ $cmd"
        case $cmd in ./wi | "./wi "*) ;; *) mark_skip "$what" "not a ./wi command"; continue ;; esac
        why=$(skip_reason "$p")
        if [ -n "$why" ]; then mark_skip "$what" "$why"; continue; fi
        o=$(run_cached "$cmd")
        act=$o
        while read -r col; do
            [ -n "$col" ] || continue
            awk -v name="$col" "$DROPCOL" "$act" >"$work/dropped" && act=$work/dropped.$k && mv "$work/dropped" "$act"
        done < <(dir_args "$p" drop-column)
        if excerpt=$(awk -v file="$(rel "$f")" "$COMPARE" "$p.exp$k" "$p.ln$k" "$act"); then
            mark_ok "$what"
        else
            mark_bad "$what"
            say "$excerpt"
            [ "$(cat "$o.rc")" = 0 ] || say "  (the command exited with status $(cat "$o.rc"); stderr: $(head -c 300 "$o.err"))"
        fi
    done
}

col_index() {  # col_index ROWSFILE HEADER -> 1-based index, or nothing
    head -n 1 "$1" | awk -F'\t' -v h="$2" '{ for (i = 1; i <= NF; i++) if ($i == h) { print i; exit } }'
}

check_table() {  # check_table P FILE LINE
    local p=$1 f=$2 line=$3 why ncol qcol lcol after r cells cmd o sub nums miss q last want lnum bad c
    local what="$(rel "$f"):$line table"
    why=$(skip_reason "$p")
    if [ -n "$why" ]; then mark_skip "$what" "$why"; return; fi
    for c in numbers quotes last-line; do
        if dir_has "$p" "$c" && [ -z "$(col_index "$p.rows" "$(dir_arg "$p" "$c")")" ]; then
            mark_bad "$what: no column headed \"$(dir_arg "$p" "$c")\" (directive $c)"; return
        fi
    done
    ncol=$(col_index "$p.rows" "$(dir_arg "$p" numbers)")
    qcol=$(col_index "$p.rows" "$(dir_arg "$p" quotes)")
    lcol=$(col_index "$p.rows" "$(dir_arg "$p" last-line)")
    after=$(dir_arg "$p" after)
    while read -r c; do [ -n "$c" ] && say "      $(rel "$f"):$line table: column ${c%%:*} not checked:${c#*:}"; done < <(dir_args "$p" not-checked)
    bad=0 r=0
    while IFS= read -r row; do
        r=$((r + 1))
        [ $r = 1 ] && continue
        lnum=$(sed -n "${r}p" "$p.rowln")
        IFS=$'\t' read -r -a cells <<<"$row"
        cmd=$(grep -oE '`\./wi[^`]*`' <<<"$row" | head -n 1 | tr -d '`')
        [ -n "$cmd" ] || continue
        o=$(run_cached "$cmd")
        sub=$o
        if [ -n "$after" ]; then awk -v t="$after" 'index($0, t) { on = 1 } on' "$o" >"$work/after"; sub=$work/after; fi
        local msg=""
        if [ -n "$ncol" ]; then
            nums=$(numbers_in "${cells[$((ncol - 1))]:-}")
            if [ -n "$nums" ]; then
                miss=$(missing_numbers "$sub" $nums)
                [ -z "$miss" ] || msg="$msg; column \"$(dir_arg "$p" numbers)\": ${miss% } not in the output${after:+ from its line with \"$after\"}"
            fi
        fi
        if [ -n "$qcol" ]; then
            while IFS= read -r q; do
                [ -n "$q" ] || continue
                grep -qF -- "$q" "$o" || msg="$msg; column \"$(dir_arg "$p" quotes)\": \`$q\` not in the output"
            done < <(grep -oE '`[^`]+`' <<<"${cells[$((qcol - 1))]:-}" | tr -d '`')
        fi
        if [ -n "$lcol" ]; then
            want=$(grep -oE '`[^`]+`' <<<"${cells[$((lcol - 1))]:-}" | head -n 1 | tr -d '`')
            last=$(grep -v '^[[:space:]]*$' "$o" | tail -n 1)
            case $want in
                *...) [[ $last == "${want%...}"* ]] || msg="$msg; last line: \`$last\`, not \`$want\`" ;;
                *) [ "$last" = "$want" ] || msg="$msg; last line: \`$last\`, not \`$want\`" ;;
            esac
        fi
        if [ -n "$msg" ]; then
            [ $bad = 1 ] || mark_bad "$what"
            bad=1
            say "  $(rel "$f"):$lnum, row \`$cmd\`${msg}"
            say "  -| ${row//$'\t'/ | } |"
        fi
        rows_run=$((rows_run + 1))
    done <"$p.rows"
    [ $bad = 1 ] || mark_ok "$what ($((r - 1)) rows)"
}

check_prose() {  # check_prose P FILE LINE
    local p=$1 f=$2 line=$3 why cmd text from to o nums miss exc x keep
    cmd=$(dir_arg "$p" prose)
    local what="$(rel "$f"):$line paragraph, numbers from \`$cmd\`"
    why=$(skip_reason "$p")
    if [ -n "$why" ]; then mark_skip "$what" "$why"; return; fi
    text=$(tr '\n' ' ' <"$p.text")
    from=$(dir_arg "$p" from); to=$(dir_arg "$p" to)
    if [ -n "$from" ]; then
        [[ $text == *"$from"* ]] || { mark_bad "$what: the paragraph has no \"$from\""; return; }
        text=${text#*"$from"}
    fi
    if [ -n "$to" ]; then
        [[ $text == *"$to"* ]] || { mark_bad "$what: the paragraph has no \"$to\" after \"$from\""; return; }
        text=${text%%"$to"*}
    fi
    exc=" $(dir_arg "$p" except) "
    keep=""
    for x in $(numbers_in "$text"); do case $exc in *" $x "*) ;; *) keep="$keep $x" ;; esac; done
    o=$(run_cached "$cmd")
    miss=$(missing_numbers "$o" $keep)
    if [ -z "$miss" ]; then
        mark_ok "$what ($(wc -w <<<"$keep") numbers)"
    else
        mark_bad "$what"
        say "  $(rel "$f"):$line: ${miss% } not in the output of \`$cmd\`"
        say "  -${from:+$from}$(cut -c1-160 <<<"$text")"
    fi
}

png_size() {  # png_size FILE -> WxH, or nothing when not a PNG
    [ -f "$1" ] || return 0
    [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 0
    od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", (($1 * 256 + $2) * 256 + $3) * 256 + $4, (($5 * 256 + $6) * 256 + $7) * 256 + $8 }'
}

check_files() {  # check_files P FILE LINE; the sizes checked land in $work/sizes.*
    local p=$1 f=$2 line=$3 why c o file want got outs=() d
    local what="$(rel "$f"):$line files"
    # the sizes the directives state, checked or not here: the prose must agree with them
    dir_args "$p" png-size | awk '{ print $2 }' >>"$work/sizes.$(echo "$f" | cksum | cut -d' ' -f1)"
    why=$(skip_reason "$p")
    if [ -n "$why" ]; then mark_skip "$what" "$why"; return; fi
    while IFS= read -r c; do
        [ -n "$c" ] || continue
        o=$(run_cached "$c")
        [ "$(cat "$o.rc")" = 0 ] || { mark_bad "$what: \`$c\` exited with status $(cat "$o.rc")"; return; }
        outs+=("$o.out")
    done < <(dir_args "$p" run)
    while read -r file want; do
        [ -n "$file" ] || continue
        got=""
        case $file in
            out/*) for d in "${outs[@]}"; do [ -f "$d/${file#out/}" ] && got=$(png_size "$d/${file#out/}"); done ;;
            *) got=$(png_size "$root/$file") ;;
        esac
        if [ "$got" = "$want" ]; then
            mark_ok "$what: $file is $want"
        else
            mark_bad "$what: $file"
            say "  $(rel "$f"):$line: -$file $want"
            say "  $(rel "$f"):$line: +$file ${got:-(no such PNG file)}"
        fi
    done < <(dir_args "$p" png-size)
}

check_stated_sizes() {  # every "W×H pixels" the prose states is a size checked above
    local f=$1 sizes lnum text s all
    local key=$work/sizes.$(echo "$f" | cksum | cut -d' ' -f1)
    [ -f "$key" ] || { grep -qE '[0-9]{3,}×[0-9]{3,}' "$f" && say "      $(rel "$f"): states figure sizes but lists no png-size to check them against"; return; }
    while IFS=: read -r lnum text; do
        for s in $(grep -oE '[0-9]{3,}×[0-9]{3,}' <<<"$text" | sed 's/×/x/'); do
            all=$(grep -ciE '(^|[^a-z])all (are|figures)' <<<"$text")
            if ! grep -qx "$s" "$key"; then
                mark_bad "$(rel "$f"):$lnum states ${s/x/×} pixels: no figure checked has that size ($(sort -u "$key" | tr '\n' ' '))"
            elif [ "$all" != 0 ] && [ "$(sort -u "$key" | wc -l)" != 1 ]; then
                mark_bad "$(rel "$f"):$lnum says all figures are ${s/x/×}: they are $(sort -u "$key" | tr '\n' ' ')"
                say "  -$(cut -c1-120 <<<"$text")"
            else
                mark_ok "$(rel "$f"):$lnum states ${s/x/×} pixels"
            fi
        done
    done < <(grep -nE '[0-9]{3,}×[0-9]{3,}' "$f" | grep -v '^[0-9]*:<!--')
}

start=$(date +%s)
rows_run=0
for f in "${files[@]}"; do
    rm -f "$work"/items/*
    awk -v out="$work/items" "$PARSE" "$f"
    record=""
    unmarked_tables=0 unmarked_blocks=0 record_tables=0
    for meta in "$work"/items/*.meta; do
        [ -e "$meta" ] || continue
        p=${meta%.meta}
        IFS=$'\t' read -r kind line <"$meta"
        case $kind in
            files)
                if dir_has "$p" measured-record; then record=$(dir_arg "$p" measured-record); continue; fi
                check_files "$p" "$f" "$line" ;;
            block)
                if ls "$p".cmd* >/dev/null 2>&1; then check_block "$p" "$f" "$line"; else unmarked_blocks=$((unmarked_blocks + 1)); fi ;;
            table)
                if [ -s "$p.dirs" ]; then check_table "$p" "$f" "$line"
                elif [ -n "$record" ]; then record_tables=$((record_tables + 1))
                else unmarked_tables=$((unmarked_tables + 1)); fi ;;
            prose)
                if dir_has "$p" prose; then check_prose "$p" "$f" "$line"; fi ;;
        esac
    done
    if [ -n "$record" ] || [ $record_tables != 0 ]; then
        say "SKIP  $(rel "$f"): $record_tables tables - measured record: $record"
        skipped=$((skipped + record_tables))
    fi
    check_stated_sizes "$f"
    say "      $(rel "$f"): not wi output (no \$ ./wi line, no directive): $unmarked_blocks text blocks, $unmarked_tables tables"
done
secs=$(($(date +%s) - start))
form=$([ $quick = 1 ] && echo quick || echo full)
if [ $mismatched = 0 ]; then
    say "readme-check ($form, ${secs} s): OK - $checked checked, 0 mismatched, $skipped skipped"
    exit 0
fi
say "readme-check ($form, ${secs} s): FAILED - $checked checked, $mismatched mismatched, $skipped skipped"
exit 1
