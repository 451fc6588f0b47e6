import ChooCore
import Foundation

extension FakeCLI {
    /// The script's shell text before its behaviour: the argument parsing, the records, the
    /// conversation state, the output functions of its kind and the shared work.
    struct Script {
        var kind: Kind
        var installed: Installed
        var work: Work
        var now: Date

        var prelude: String {
            let records = ChooBinary.shellQuoted(installed.record(""))
            let common = #"""
                #!/bin/bash
                # A stand-in for \#(kind == .claude ? "Claude Code's `claude`" : "Codex's `codex`"), written by choo's tests.
                records=\#(records)
                echo $$ >> "${records}pids.log"
                json() {
                    local s=$1
                    s=${s//'\'/'\\'}; s=${s//'"'/'\"'}; s=${s//$'\n'/'\n'}; s=${s//$'\r'/'\r'}; s=${s//$'\t'/'\t'}
                    s=${s//$'\e'/'\u001b'}
                    printf '"%s"' "$s"
                }
                new_id() { cat /proc/sys/kernel/random/uuid; }
                argv=""
                for argument in "$@"; do argv="$argv${argv:+,}$(json "$argument")"; done
                prompt=""; prompt_given=""; model=""; resume=""; stream=""; refusal=""; refusal_code=0
                steps=0; last_text=""; tool_open=""; opening=""; closing=""; hold=""; tool_hold=""; huge=""
                forget=""; lost=""; remembered_file=""; limit_text=""; limit_epoch=0; limit_window=five_hour
                # An invocation the CLI refuses is still recorded, then refused.
                refuse() { [ -n "$refusal" ] || { refusal=$1; refusal_code=$2; }; }

                """#
            let record = #"""
                stdin=false
                if [ -z "$prompt_given" ] || [ "$prompt" = "-" ]; then prompt=$(cat; printf x); prompt=${prompt%x}; stdin=true; fi
                # The invocation's number, counted under a lock: units run side by side.
                exec 9>> "${records}lock"
                flock 9
                printf '{"argv":[%s],"cwd":%s,"stdin":%s,"resume":%s,"model":%s}\n' "$argv" "$(json "$PWD")" "$stdin" \
                    "$([ -n "$resume" ] && json "$resume" || echo null)" "$([ -n "$asked_model" ] && json "$asked_model" || echo null)" \
                    >> "${records}invocations.log"
                n=$(wc -l < "${records}invocations.log")
                flock -u 9
                exec 9>&-
                [ -z "$refusal" ] || { printf '%s\n' "$refusal" >&2; exit "$refusal_code"; }
                emit() { [ -z "$stream" ] || printf '%s\n' "$1"; }
                in_tokens=\#(work.step.input); out_tokens=\#(work.step.output)
                read_tokens=\#(work.step.cacheRead); write_tokens=\#(work.step.cacheWrite)
                cost=\#(work.costUSD); duration=\#(work.durationMilliseconds)
                state="${records}state/sessions"

                """#
            let kindPart = kind == .claude ? claude : codex
            return common + kindPart.arguments + record + kindPart.functions
                + FakeAgent.promptCore(log: installed.record("prompts.log")) + Self.shared + FakeAgent.specialTurns
        }

        /// The turn both kinds act out, in their own output functions.
        static let shared = #"""
            check_resume() { [ -z "$resume" ] || [ -z "$lost$forget" ] || not_found; }
            finish() { start_session; allowed; step "${1:-Fixed it.}"; succeed; }
            # The whole task turn: read the task, write the work, check it, mark the task, say so.
            work() {
                start_session
                allowed
                if [ -z "$file" ]; then
                    for command in "ls" "git status --short" "git log -1 --oneline"; do
                        step "${opening:-Looking around.}" Bash command "$command"; opening="Looking further."
                        tool_done false "$($command 2>&1 | head -c 1000)"
                    done
                    step "Nothing here is offered to do." Bash command "true"; tool_done false ""
                    step "${closing:-Nothing was offered.}"
                    succeed
                fi
                step "${opening:-Reading the task first.}" Read file_path "$file"
                # Silent while the tool call is open, until the test lets it go on.
                [ -z "$tool_hold" ] || read -r _ < "$tool_hold"
                if [ -n "$huge" ]; then huge_result "$huge"; else tool_done false "$(head -c 1000 "$file")"; fi
                [ -z "$hold" ] || read -r _ < "$hold"
                step "Writing the work." Write file_path "work/$unit-$task.done"
                do_work
                tool_done false "File created successfully at: work/$unit-$task.done"
                step "Checking it." Bash command "test -f work/$unit-$task.done"
                if test -f "work/$unit-$task.done"; then tool_done false ""; else tool_done true "Exit code 1"; fi
                step "Marking the task complete." Edit file_path "$file"
                mark_complete
                tool_done false "The file $file has been updated."
                step "${closing:-Done: the task is complete.}"
                succeed
            }

            """#

        private var claude: (arguments: String, functions: String) {
            let arguments = #"""
                format="text"; verbose=""; print=""
                while [ $# -gt 0 ]; do
                    case "$1" in
                        -p|--print) print=1 ;;
                        --verbose) verbose=1 ;;
                        --dangerously-skip-permissions|--include-partial-messages|--strict-mcp-config|--fork-session) ;;
                        --output-format) format=$2; shift ;;
                        --model) model=$2; shift ;;
                        -r|--resume) resume=$2; shift ;;
                        --max-turns|--permission-mode|--allowedTools|--disallowedTools|--append-system-prompt|--system-prompt|\
                        --max-budget-usd|--fallback-model|--mcp-config|--settings|--add-dir|--session-id) shift ;;
                        --) shift; prompt="$*"; prompt_given=1; break ;;
                        -*) refuse "error: unknown option '$1'" 1 ;;
                        *) prompt=$1; prompt_given=1 ;;
                    esac
                    shift
                done
                [ -n "$print" ] || refuse "error: this fake claude only runs with -p" 1
                if [ "$format" = "stream-json" ]; then
                    [ -n "$verbose" ] || refuse "Error: When using --print, --output-format=stream-json requires --verbose" 1
                    stream=1
                fi
                asked_model=$model
                [ -n "$model" ] || model=\#(ChooBinary.shellQuoted(work.model))
                # A resumed conversation is found only from the folder it started in.
                if [ -n "$resume" ]; then
                    if [ -f "${records}state/sessions/$resume" ]; then
                        { read -r started_in; read -r remembered_file; } < "${records}state/sessions/$resume"
                        [ "$started_in" = "$PWD" ] || { lost=1; remembered_file=""; }
                    else
                        lost=1
                    fi
                fi

                """#
            let functions = #"""
                usage() {
                    printf '{"input_tokens":%s,"cache_creation_input_tokens":%s,"cache_read_input_tokens":%s,"output_tokens":%s}' \
                        "$1" "$2" "$3" "$4"
                }
                session=""
                start_session() {
                    check_resume
                    session=$(new_id)
                    echo "$session" >> "${records}sessions.log"
                    printf '%s\n%s\n' "$PWD" "$file" > "$state/$session"
                    emit '{"type":"system","subtype":"init","cwd":'"$(json "$PWD")"',"session_id":"'"$session"'","tools":["Task","Bash","Glob","Grep","Read","Edit","Write"],"mcp_servers":[],"model":'"$(json "$model")"',"permissionMode":"bypassPermissions","apiKeySource":"none","claude_code_version":"2.1.300","output_style":"default","uuid":"'"$(new_id)"'"}'
                }
                rate_limit() {
                    emit '{"type":"rate_limit_event","rate_limit_info":{"status":"'"$1"'","resetsAt":'"$2"',"rateLimitType":"'"$3"'","overageStatus":"rejected","overageDisabledReason":"org_level_disabled","isUsingOverage":false},"uuid":"'"$(new_id)"'","session_id":"'"$session"'"}'
                }
                allowed() { rate_limit allowed "$(( $(date +%s) + 18000 ))" five_hour; }
                # One message of a step: its id, a content block, its usage, its stop reason; and extra fields.
                message() {
                    emit '{"type":"assistant","message":{"id":"'"$1"'","type":"message","role":"assistant","model":'"$(json "$model")"',"content":['"$2"'],"stop_reason":'"$4"',"stop_sequence":null,"usage":'"$3"'},"parent_tool_use_id":null,"session_id":"'"$session"'"'"$5"',"uuid":"'"$(new_id)"'"}'
                }
                # One API call: its text and its tool call, each printed as a message of its own with the
                # same id and usage, as the CLI does.
                step() {
                    steps=$((steps + 1)); last_text=$1
                    local id; id="msg_01$(new_id | tr -d - | head -c 22)"
                    local spent; spent=$(usage "$in_tokens" "$write_tokens" "$read_tokens" "$out_tokens")
                    message "$id" '{"type":"text","text":'"$(json "$1")"'}' "$spent" "$([ -n "$2" ] && echo null || echo '"end_turn"')"
                    [ -n "$2" ] || return 0
                    tool_open="toolu_01$(new_id | tr -d - | head -c 22)"
                    message "$id" '{"type":"tool_use","id":"'"$tool_open"'","name":"'"$2"'","input":{"'"$3"'":'"$(json "$4")"'}}' \
                        "$spent" '"tool_use"'
                }
                tool_done() {
                    emit '{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"'"$tool_open"'","is_error":'"${1:-false}"',"content":'"$(json "${2:-}")"'}]},"parent_tool_use_id":null,"session_id":"'"$session"'","uuid":"'"$(new_id)"'"}'
                }
                huge_result() {
                    [ -n "$stream" ] || return 0
                    printf '{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"%s","is_error":false,"content":"' "$tool_open"
                    head -c "$1" /dev/zero | tr '\0' x
                    printf '"}]},"parent_tool_use_id":null,"session_id":"%s"}\n' "$session"
                }
                # The result: subtype, whether an error, turns, cost, the message, tokens; extra fields.
                result() {
                    local spent; spent=$(usage "$5" "$6" "$7" "$8")
                    emit '{"type":"result","subtype":"'"$1"'","is_error":'"$2"',"duration_ms":'"$duration"',"duration_api_ms":'"$duration"',"num_turns":'"$3"',"result":'"$(json "$9")"',"stop_reason":"end_turn","session_id":"'"$session"'","total_cost_usd":'"$4"',"usage":'"$spent"',"modelUsage":{'"$(json "$model")"':{"inputTokens":'"$5"',"outputTokens":'"$8"',"cacheReadInputTokens":'"$7"',"cacheCreationInputTokens":'"$6"',"costUSD":'"$4"',"contextWindow":200000}},"permission_denials":[]'"${10}"',"uuid":"'"$(new_id)"'"}'
                }
                succeed() {
                    result success false "$steps" "$cost" $((steps * in_tokens)) $((steps * write_tokens)) \
                        $((steps * read_tokens)) $((steps * out_tokens)) "$last_text" ',"terminal_reason":"completed","errors":[]'
                    [ -n "$stream" ] || printf '%s\n' "$last_text"
                    exit 0
                }
                limit_hit() {
                    start_session
                    rate_limit rejected "$limit_epoch" "$limit_window"
                    message "msg_01$(new_id | tr -d - | head -c 22)" '{"type":"text","text":'"$(json "$limit_text")"'}' \
                        "$(usage 0 0 0 0)" '"stop_sequence"' ',"error":"rate_limit"'
                    result success true 0 0 0 0 0 0 "$limit_text" ',"api_error_status":429,"terminal_reason":"api_error","errors":[]'
                    [ -n "$stream" ] || printf '%s\n' "$limit_text"
                    exit 1
                }
                text_limit() {
                    start_session
                    result success true 0 0 0 0 0 0 "$limit_text" ',"errors":[]'
                    [ -n "$stream" ] || printf '%s\n' "$limit_text"
                    exit 1
                }
                not_found() {
                    session=$(new_id)
                    local message="No conversation found with session ID: $resume"
                    result error_during_execution true 0 0 0 0 0 0 "" ',"errors":['"$(json "$message")"']'
                    [ -n "$stream" ] || printf '%s\n' "$message" >&2
                    exit 1
                }

                """#
            return (arguments, functions)
        }

        private var codex: (arguments: String, functions: String) {
            let arguments = #"""
                if [ "$1" = "exec" ]; then shift; else refuse "error: this fake codex only runs \`codex exec\`" 2; set --; fi
                resuming=""
                while [ $# -gt 0 ]; do
                    case "$1" in
                        --json|--experimental-json) stream=1 ;;
                        --yolo|--dangerously-bypass-approvals-and-sandbox|--skip-git-repo-check|--ephemeral|--last|--all) ;;
                        --full-auto) refuse "error: unexpected argument '--full-auto' found" 2 ;;
                        -m|--model) model=$2; shift ;;
                        -s|--sandbox|-C|--cd|-c|--config|-o|--output-last-message|--output-schema|--color|-p|--profile|--add-dir)
                            shift ;;
                        resume) [ -z "$prompt_given" ] && [ -z "$resuming" ] || { prompt=$1; prompt_given=1; }; resuming=1 ;;
                        -) prompt_given="" ;;
                        -*) refuse "error: unexpected argument '$1' found" 2 ;;
                        *)
                            if [ -n "$resuming" ] && [ -z "$resume" ]; then resume=$1; else prompt=$1; prompt_given=1; fi ;;
                    esac
                    shift
                done
                asked_model=$model
                t_in=0; t_cached=0; t_out=0
                if [ -n "$resume" ]; then
                    if [ -f "${records}state/sessions/$resume" ]; then
                        { read -r _; read -r remembered_file; read -r t_in; read -r t_cached; read -r t_out; } \
                            < "${records}state/sessions/$resume"
                    else
                        lost=1
                    fi
                fi

                """#
            let functions = #"""
                thread=""; item=0; tool_kind=""; tool_target=""; change=""
                start_session() {
                    check_resume
                    if [ -n "$resume" ]; then thread=$resume; else thread=$(new_id); fi
                    echo "$thread" >> "${records}sessions.log"
                    emit '{"type":"thread.started","thread_id":"'"$thread"'"}'
                    emit '{"type":"turn.started"}'
                }
                allowed() { :; }
                next_item() { item_id="item_$item"; item=$((item + 1)); }
                # One API call: the agent's message, then its tool call (a command, or a file change that is
                # reported only once applied).
                step() {
                    steps=$((steps + 1)); last_text=$1
                    next_item
                    emit '{"type":"item.completed","item":{"id":"'"$item_id"'","type":"agent_message","text":'"$(json "$1")"'}}'
                    [ -n "$2" ] || return 0
                    next_item; tool_open=$item_id
                    case "$2" in
                        Write) tool_kind=file_change; change=add; tool_target=$4 ;;
                        Edit) tool_kind=file_change; change=update; tool_target=$4 ;;
                        Read) tool_kind=command_execution; tool_target="bash -lc 'cat $4'" ;;
                        *) tool_kind=command_execution; tool_target="bash -lc '$4'" ;;
                    esac
                    [ "$tool_kind" = file_change ] || emit '{"type":"item.started","item":{"id":"'"$tool_open"'","type":"command_execution","command":'"$(json "$tool_target")"',"aggregated_output":"","exit_code":null,"status":"in_progress"}}'
                }
                tool_done() {
                    local code=0 status=completed
                    [ "${1:-false}" = false ] || { code=1; status=failed; }
                    if [ "$tool_kind" = file_change ]; then
                        emit '{"type":"item.completed","item":{"id":"'"$tool_open"'","type":"file_change","changes":[{"path":'"$(json "$tool_target")"',"kind":"'"$change"'"}],"status":"'"$status"'"}}'
                    else
                        emit '{"type":"item.completed","item":{"id":"'"$tool_open"'","type":"command_execution","command":'"$(json "$tool_target")"',"aggregated_output":'"$(json "${2:-}")"',"exit_code":'"$code"',"status":"'"$status"'"}}'
                    fi
                }
                huge_result() {
                    [ -n "$stream" ] || return 0
                    printf '{"type":"item.completed","item":{"id":"%s","type":"command_execution","command":%s,"aggregated_output":"' \
                        "$tool_open" "$(json "$tool_target")"
                    head -c "$1" /dev/zero | tr '\0' x
                    printf '","exit_code":0,"status":"completed"}}\n'
                }
                # The turn's usage is the thread's running total; the cached tokens are part of the input.
                succeed() {
                    t_in=$((t_in + steps * (in_tokens + read_tokens))); t_cached=$((t_cached + steps * read_tokens))
                    t_out=$((t_out + steps * out_tokens))
                    printf '%s\n%s\n%s\n%s\n%s\n' "$PWD" "$file" "$t_in" "$t_cached" "$t_out" > "$state/$thread"
                    emit '{"type":"turn.completed","usage":{"input_tokens":'"$t_in"',"cached_input_tokens":'"$t_cached"',"output_tokens":'"$t_out"'}}'
                    [ -n "$stream" ] || printf '%s\n' "$last_text"
                    exit 0
                }
                fail_turn() {
                    emit '{"type":"error","message":'"$(json "$1")"'}'
                    emit '{"type":"turn.failed","error":{"message":'"$(json "$1")"'}}'
                    [ -n "$stream" ] || printf 'ERROR: %s\n' "$1" >&2
                    exit 1
                }
                limit_hit() {
                    start_session
                    [ -f "$state/$thread" ] || printf '%s\n%s\n0\n0\n0\n' "$PWD" "$file" > "$state/$thread"
                    fail_turn "$limit_text"
                }
                text_limit() { limit_hit; }
                not_found() { fail_turn "thread/resume failed: no rollout found for thread id $resume"; }

                """#
            return (arguments, functions)
        }
    }
}
