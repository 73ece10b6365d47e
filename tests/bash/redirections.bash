# Run by tests/boot/run_bash.sh as `bash -s DIR`: here-documents and
# here-strings, which bash feeds through a pipe or a temporary file in /tmp,
# and redirections of builtins to files in DIR, a scratch directory (bash has
# no builtin to delete a file). Exit status 4.
read -r first second <<<"here string"
echo "here-string: $second $first"
while read -r line; do
	echo "here-doc: [${line}]"
done <<END
line one
  indented $((2 + 3))
END
while read -r line; do echo "quoted here-doc: [$line]"; done <<'END'
not $expanded
END
f=$1/bash-redirections
echo "to a file" >"$f"
printf '%s\n' more lines >>"$f"
n=0
while read -r line; do
	((n++))
	echo "from the file: $line"
done <"$f"
echo "$n lines"
exec 3<"$f"
read -r -u 3 again
echo "fd 3: $again"
exec 3<&-
[[ -f $f ]] && echo "test -f: yes"
[[ -d /tmp ]] && echo "test -d /tmp: yes"
[[ -e $f.missing ]] || echo "test -e missing: no"
echo "missing" 2>/dev/null <"$f.missing" || echo "redirect from a missing file fails"
: >"$f"
[[ -s $f ]] || echo "truncated"
exit 4
