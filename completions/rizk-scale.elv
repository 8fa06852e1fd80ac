
use builtin;
use str;

set edit:completion:arg-completer[rizk-scale] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'rizk-scale'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'rizk-scale'= {
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand collect 'Take one sample (host and given metrics) and append it to the history'
            cand recommend 'Decide from the history: action, replica delta, reason and every condition'
            cand history 'Show, export, import or clear the history'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;collect'= {
            cand --metric 'Set a sample field, e.g. requests_per_second=140 (repeatable)'
            cand --instance 'Who produces the sample [default: the host name]'
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --no-host 'Do not measure host CPU and memory'
            cand --json 'Print the sample written as JSON'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;recommend'= {
            cand --metric 'Set a sample field, e.g. requests_per_second=140 (repeatable)'
            cand --instance 'Who produces the sample [default: the host name]'
            cand --current-replicas 'Replicas running now: adds current_replicas/target_replicas/clamped'
            cand --min-replicas 'Never recommend fewer replicas than this'
            cand --max-replicas 'Never recommend more replicas than this'
            cand --max-age 'Wait when the newest sample is older than this (0 = never stale)'
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --json 'Print the recommendation as JSON (schema_version 1)'
            cand --collect 'Take a fresh sample first and append it (one-shot advisor)'
            cand --no-host 'Do not measure host CPU and memory'
            cand --exit-code 'Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history'= {
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'The last samples as a table, and a sparkline per metric over the whole history'
            cand export 'Write the history as CSV, JSON or JSON Lines'
            cand import 'Merge samples from a JSON Lines or CSV file into the history'
            cand clear 'Delete every sample (asks first on a terminal; --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;history;show'= {
            cand -n 'Show the last N samples in the table (sparklines always cover the whole history)'
            cand --last 'Show the last N samples in the table (sparklines always cover the whole history)'
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --json 'Print the last N samples as JSON (schema_version 1)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;export'= {
            cand --format 'Output format. CSV has one column per sample field and drops extra fields; JSON and JSON Lines keep them'
            cand -o 'Write to FILE instead of stdout (a new file is created 0600, like the history)'
            cand --output 'Write to FILE instead of stdout (a new file is created 0600, like the history)'
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;import'= {
            cand --format 'The file''s format; auto: JSON Lines when it starts with ''{'', else CSV'
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;clear'= {
            cand --history 'History file (JSON Lines) [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand -y 'Do not ask (required when stdin is not a terminal)'
            cand --yes 'Do not ask (required when stdin is not a terminal)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;help'= {
            cand show 'The last samples as a table, and a sparkline per metric over the whole history'
            cand export 'Write the history as CSV, JSON or JSON Lines'
            cand import 'Merge samples from a JSON Lines or CSV file into the history'
            cand clear 'Delete every sample (asks first on a terminal; --yes otherwise)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;history;help;show'= {
        }
        &'rizk-scale;history;help;export'= {
        }
        &'rizk-scale;history;help;import'= {
        }
        &'rizk-scale;history;help;clear'= {
        }
        &'rizk-scale;history;help;help'= {
        }
        &'rizk-scale;help'= {
            cand collect 'Take one sample (host and given metrics) and append it to the history'
            cand recommend 'Decide from the history: action, replica delta, reason and every condition'
            cand history 'Show, export, import or clear the history'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;help;collect'= {
        }
        &'rizk-scale;help;recommend'= {
        }
        &'rizk-scale;help;history'= {
            cand show 'The last samples as a table, and a sparkline per metric over the whole history'
            cand export 'Write the history as CSV, JSON or JSON Lines'
            cand import 'Merge samples from a JSON Lines or CSV file into the history'
            cand clear 'Delete every sample (asks first on a terminal; --yes otherwise)'
        }
        &'rizk-scale;help;history;show'= {
        }
        &'rizk-scale;help;history;export'= {
        }
        &'rizk-scale;help;history;import'= {
        }
        &'rizk-scale;help;history;clear'= {
        }
        &'rizk-scale;help;help'= {
        }
    ]
    $completions[$command]
}
