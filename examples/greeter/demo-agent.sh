#!/bin/sh
# The demo's stand-in for a coding agent. It is a script, not an AI: it reads choo's prompt, picks
# the first task offered, writes the files that task's description asks for, and marks the task
# complete, which is exactly what a real agent (Claude Code, Codex, ...) is asked to do.
prompt="$1"
[ -n "$prompt" ] || prompt=$(cat)
file=$(printf '%s\n' "$prompt" | sed -n 's/^- File: `\(.*\)` (it describes the work)$/\1/p' | head -n 1)
if [ -z "$file" ]; then
    echo "demo agent: no task offered"
    exit 0
fi
echo "demo agent: working on $file"
sleep "${CHOO_DEMO_AGENT_DELAY:-1}"
case "$file" in
*/words/01-greetings.md)
    mkdir -p greeter/data
    printf 'Hello\nHi\nGood morning\n' > greeter/data/greetings.txt
    ;;
*/words/02-names.md)
    mkdir -p greeter/data
    printf 'Ada\nGrace\nLinus\n' > greeter/data/names.txt
    ;;
*/greeting/01-greet-function.md)
    cat > greeter/greet.sh <<'SCRIPT'
# Greeting functions for the greeter. Source this file from the repository root.
greet() {
    printf '%s, %s!\n' "$(head -n 1 greeter/data/greetings.txt)" "$1"
}
SCRIPT
    ;;
*/greeting/02-random-greeting.md)
    cat >> greeter/greet.sh <<'SCRIPT'

greet_all() {
    while IFS= read -r name; do greet "$name"; done < greeter/data/names.txt
}
SCRIPT
    ;;
*/cli/01-entry-point.md)
    mkdir -p greeter/bin
    cat > greeter/bin/greeter <<'SCRIPT'
#!/bin/sh
# Greets one name, or everybody in greeter/data/names.txt. Run from the repository root.
. greeter/greet.sh
if [ $# -gt 0 ]; then greet "$1"; else greet_all; fi
SCRIPT
    chmod +x greeter/bin/greeter
    ;;
*/docs/01-readme.md)
    mkdir -p greeter
    cat > greeter/README.md <<'TEXT'
# Greeter

Greets people by name, in the repository's own words.

    greeter/bin/greeter Ada     # Hello, Ada!
    greeter/bin/greeter         # greets everybody in greeter/data/names.txt

Run it from the repository root.
TEXT
    ;;
*)
    echo "demo agent: I do not know how to do $file"
    exit 1
    ;;
esac
sed -i 's/^status:.*/status: complete/' "$file"
echo "demo agent: done, marked $file complete"
