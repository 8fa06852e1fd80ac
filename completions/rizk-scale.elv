
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
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand collect 'Take one sample (host and given metrics) and append it to the history'
            cand recommend 'Decide from the history: action, replica delta, reason and every condition'
            cand monitor 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics'
            cand history 'Show, export, import or clear the history'
            cand validate 'Run the scaling-readiness checklist against the real system'
            cand config 'Show, create or check the configuration file'
            cand replay 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;collect'= {
            cand --metric 'Set a sample field, e.g. requests_per_second=140 (repeatable)'
            cand --instance 'Who produces the sample [default: the host name]'
            cand --cpu-window 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)'
            cand --cpu-request 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]'
            cand --memory-request 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]'
            cand --endpoint 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)'
            cand --header 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)'
            cand --bearer-token-file 'Send ''Authorization: Bearer <token>'' with the token read from this file'
            cand --timeout 'Per-endpoint timeout (connect and whole response)'
            cand --concurrency 'Endpoints scraped at once'
            cand --max-body 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB'
            cand --prometheus 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown'
            cand --prometheus-query 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)'
            cand --max-age 'Measure CPU from this instance''s previous sample only when it is younger than this (0 = any age); older, a short window is waited instead'
            cand --current-replicas 'Record the replica count running now in the sample (`replicas`): recommend takes the newest as the current count, and its changes are the HPA behavior''s scale events'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --no-host 'Do not measure host CPU and memory'
            cand --strict-exposition 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
            cand --allow-partial 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
            cand --json 'Print the sample written as JSON'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;recommend'= {
            cand --metric 'Set a sample field, e.g. requests_per_second=140 (repeatable)'
            cand --instance 'Who produces the sample [default: the host name]'
            cand --cpu-window 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)'
            cand --cpu-request 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]'
            cand --memory-request 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]'
            cand --endpoint 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)'
            cand --header 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)'
            cand --bearer-token-file 'Send ''Authorization: Bearer <token>'' with the token read from this file'
            cand --timeout 'Per-endpoint timeout (connect and whole response)'
            cand --concurrency 'Endpoints scraped at once'
            cand --max-body 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB'
            cand --prometheus 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown'
            cand --prometheus-query 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)'
            cand --current-replicas 'Replicas running now: adds current_replicas/target_replicas/clamped/proposed/limited_by (default: the newest sample''s `replicas`; with --collect, recorded in the new sample)'
            cand --min-replicas 'Never recommend fewer replicas than this'
            cand --max-replicas 'Never recommend more replicas than this'
            cand --max-age 'Wait when the newest sample is older than this (0 = never stale)'
            cand --policy 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)'
            cand --scale-up-window 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]'
            cand --scale-down-window 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]'
            cand --window 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)'
            cand --statistic 'The statistic --window uses'
            cand --tolerance 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]'
            cand --tolerance-up 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]'
            cand --tolerance-down 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]'
            cand --rps-scope 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)'
            cand --hpa 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file'
            cand --target 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --json 'Print the recommendation as JSON (schema_version 1)'
            cand --collect 'Take a fresh sample first and append it (one-shot advisor)'
            cand --no-host 'Do not measure host CPU and memory'
            cand --strict-exposition 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
            cand --allow-partial 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
            cand --exit-code 'Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)'
            cand --fleet 'Decide for the whole fleet: the newest sample of each instance seen within --max-age, aggregated (sums for rates and connections, request-weighted latency, mean CPU/memory)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;monitor'= {
            cand --metric 'Set a sample field, e.g. requests_per_second=140 (repeatable)'
            cand --instance 'Who produces the sample [default: the host name]'
            cand --cpu-window 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)'
            cand --cpu-request 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]'
            cand --memory-request 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]'
            cand --endpoint 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)'
            cand --header 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)'
            cand --bearer-token-file 'Send ''Authorization: Bearer <token>'' with the token read from this file'
            cand --timeout 'Per-endpoint timeout (connect and whole response)'
            cand --concurrency 'Endpoints scraped at once'
            cand --max-body 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB'
            cand --prometheus 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown'
            cand --prometheus-query 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)'
            cand --policy 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)'
            cand --scale-up-window 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]'
            cand --scale-down-window 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]'
            cand --window 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)'
            cand --statistic 'The statistic --window uses'
            cand --tolerance 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]'
            cand --tolerance-up 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]'
            cand --tolerance-down 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]'
            cand --rps-scope 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)'
            cand --hpa 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file'
            cand --target 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]'
            cand --interval 'Time between ticks (humantime: 10s, 500ms, 1m; 0 = back to back)'
            cand --count 'Stop after N ticks [default: run until stopped]'
            cand --current-replicas 'Replicas running now: adds current/target replicas to every recommendation and is recorded in every sample (`replicas`)'
            cand --min-replicas 'Never recommend fewer replicas than this'
            cand --max-replicas 'Never recommend more replicas than this'
            cand --max-age 'Wait when the newest sample is older than this (0 = never stale)'
            cand --serve 'Serve /metrics, /health and /ready on ADDR (PORT alone binds 127.0.0.1)'
            cand --exec-on-change 'Run PROGRAM (no shell) when the action or delta changes, with the --exec-arg arguments. Environment: RIZK_ACTION, RIZK_REPLICA_DELTA, RIZK_TARGET_REPLICAS, RIZK_REASON'
            cand --exec-arg 'An argument for the --exec-on-change program (repeatable, in order; may start with ''-'', e.g. --exec-arg=-c)'
            cand --coordination-interval 'The leader''s lease: renewed every third of it, taken over by another instance when the leader has not renewed it for this long (at least 100ms)'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --no-host 'Do not measure host CPU and memory'
            cand --strict-exposition 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
            cand --allow-partial 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
            cand --json 'One JSON object per tick (NDJSON, schema_version 1), nothing else on stdout'
            cand --coordinate 'Elect one leader per service with a Redis lease (needs --history redis://…): only the leader emits fleet recommendations and runs --exec-on-change; the others keep collecting'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history'= {
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
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
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --json 'Print the last N samples as JSON (schema_version 1)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;export'= {
            cand --format 'Output format. CSV has one column per sample field and drops extra fields; JSON and JSON Lines keep them'
            cand -o 'Write to FILE instead of stdout (a new file is created 0600, like the history)'
            cand --output 'Write to FILE instead of stdout (a new file is created 0600, like the history)'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;import'= {
            cand --format 'The file''s format; auto: JSON Lines when it starts with ''{'', else CSV'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;history;clear'= {
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -y 'Do not ask (required when stdin is not a terminal)'
            cand --yes 'Do not ask (required when stdin is not a terminal)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
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
        &'rizk-scale;validate'= {
            cand --manifests 'Kubernetes YAML: a file or a directory of *.yaml/*.yml (repeatable)'
            cand --nginx-conf 'The load balancer''s nginx.conf (includes are followed)'
            cand --health-url 'A URL that must answer 2xx, e.g. the load balancer''s /health (repeatable)'
            cand --endpoint 'A metrics URL that must answer and parse, as `collect --endpoint` reads it (a bare http://HOST:PORT is its /metrics) (repeatable)'
            cand --redis 'The shared Redis (redis:// or rediss://; comma-separated seeds for a cluster)'
            cand --redis-sentinel 'A Sentinel to ask instead (needs --sentinel-master)'
            cand --sentinel-master 'The master name Sentinel monitors'
            cand --attest 'Something only a person can vouch for, e.g. backup_recovery_tested=2026-10-01 (repeatable)'
            cand --attest-max-age 'Attestations older than this many days warn'
            cand --workload 'Judge only this Deployment or StatefulSet (NAME or NAMESPACE/NAME; repeatable)'
            cand --only 'Run only these checks (ids, categories or short names; comma-separated)'
            cand --skip 'Skip these checks'
            cand --timeout 'Time allowed to each check'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --strict 'Warnings make the deployment not ready (exit 1)'
            cand --strict-exposition 'A /metrics page that breaks a rule of its format fails instead of warning'
            cand --json 'Print the report as JSON (schema_version 1)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;config'= {
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand show 'Show every effective setting and where it came from'
            cand init 'Write a commented default configuration file'
            cand check 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;config;show'= {
            cand --hpa 'Also show what this HorizontalPodAutoscaler manifest sets (as `--hpa` would): the replica bounds it provides where nothing else sets them, its targets and behavior'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --json 'Print as JSON (schema_version 1)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;config;init'= {
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --force 'Overwrite an existing file'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;config;check'= {
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;config;help'= {
            cand show 'Show every effective setting and where it came from'
            cand init 'Write a commented default configuration file'
            cand check 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;config;help;show'= {
        }
        &'rizk-scale;config;help;init'= {
        }
        &'rizk-scale;config;help;check'= {
        }
        &'rizk-scale;config;help;help'= {
        }
        &'rizk-scale;replay'= {
            cand --policy 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)'
            cand --scale-up-window 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]'
            cand --scale-down-window 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]'
            cand --window 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)'
            cand --statistic 'The statistic --window uses'
            cand --tolerance 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]'
            cand --tolerance-up 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]'
            cand --tolerance-down 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]'
            cand --rps-scope 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)'
            cand --hpa 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file'
            cand --target 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]'
            cand --current-replicas 'Start from this many replicas and apply every decision (required by --policy hpa)'
            cand --min-replicas 'Never go below this many replicas'
            cand --max-replicas 'Never go above this many replicas'
            cand --compare 'Also replay this policy and show the runs side by side (repeatable, any number): a spec is an optional starting point — guide (the scaling guide''s default rules, exactly; also ''seed''), threshold (the rules as configured) or hpa (the HPA''s defaults), windows off — then KEY=VALUE changes, e.g. --compare guide --compare hpa --compare ''guide,scale-up-cpu=60'' --compare ''scale-down-window=5m''; without a starting point the changes apply to this command''s flags (keys: policy, scale-up-window, scale-down-window, window, statistic, tolerance, target, min-replicas, max-replicas, scale-up-METRIC, scale-down-METRIC)'
            cand --prometheus 'Build the history from range queries to this Prometheus (http:// or https://) instead of the stored history: the collect queries ([prometheus.queries], --prometheus-query) plus the observed replica count (query ''replicas'')'
            cand --prometheus-query 'Replace a query, e.g. ''requests_per_second=sum(rate(reqs[5m]))'', or give the replica count: ''replicas=kube_deployment_status_replicas{deployment="web"}'' (repeatable)'
            cand --from 'Start of the range: RFC 3339 (2026-11-23T18:00:00Z), now, or relative (-7d, now-36h)'
            cand --to 'End of the range (same forms as --from)'
            cand --step 'Between two samples of the range'
            cand --query-timeout 'Per range query timeout'
            cand --scale-metrics 'Metrics besides cpu_percent whose per-replica value scales with observed / simulated replicas, comma-separated (e.g. memory_percent,active_connections)'
            cand --save-history 'Also write the samples replayed to this file as a history (JSON Lines), e.g. to replay a Prometheus range again offline with --history'
            cand --report 'Write a self-contained HTML report (inline SVG charts, the figures table, the model)'
            cand --history 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]'
            cand --service 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)'
            cand --key-prefix 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)'
            cand --capacity 'Samples kept in the rolling history'
            cand --color 'When to colour the output'
            cand --config 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]'
            cand --no-load-model 'Replay on the metrics as recorded even where the observed replica count is known'
            cand --json 'Print the whole timeline as JSON (schema_version 1)'
            cand -q 'Print no warnings'
            cand --quiet 'Print no warnings'
            cand -v 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand --verbose 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'rizk-scale;help'= {
            cand collect 'Take one sample (host and given metrics) and append it to the history'
            cand recommend 'Decide from the history: action, replica delta, reason and every condition'
            cand monitor 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics'
            cand history 'Show, export, import or clear the history'
            cand validate 'Run the scaling-readiness checklist against the real system'
            cand config 'Show, create or check the configuration file'
            cand replay 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'rizk-scale;help;collect'= {
        }
        &'rizk-scale;help;recommend'= {
        }
        &'rizk-scale;help;monitor'= {
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
        &'rizk-scale;help;validate'= {
        }
        &'rizk-scale;help;config'= {
            cand show 'Show every effective setting and where it came from'
            cand init 'Write a commented default configuration file'
            cand check 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
        }
        &'rizk-scale;help;config;show'= {
        }
        &'rizk-scale;help;config;init'= {
        }
        &'rizk-scale;help;config;check'= {
        }
        &'rizk-scale;help;replay'= {
        }
        &'rizk-scale;help;help'= {
        }
    ]
    $completions[$command]
}
