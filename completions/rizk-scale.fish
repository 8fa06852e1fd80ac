# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_rizk_scale_global_optspecs
    string join \n history= service= key-prefix= capacity= color= q/quiet v/verbose config= h/help V/version
end

function __fish_rizk_scale_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_rizk_scale_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_rizk_scale_using_subcommand
    set -l cmd (__fish_rizk_scale_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -s V -l version -d 'Print version'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "collect" -d 'Take one sample (host and given metrics) and append it to the history'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "recommend" -d 'Decide from the history: action, replica delta, reason and every condition'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "monitor" -d 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "history" -d 'Show, export, import or clear the history'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "validate" -d 'Run the scaling-readiness checklist against the real system'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "config" -d 'Show, create or check the configuration file'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "replay" -d 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas'
complete -c rizk-scale -n "__fish_rizk_scale_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l metric -d 'Set a sample field, e.g. requests_per_second=140 (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l instance -d 'Who produces the sample [default: the host name]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l cpu-window -d 'Measure CPU over a fresh window of this length instead of the interval since this instance\'s previous sample (e.g. 1s)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l cpu-request -d 'The container\'s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA\'s averageUtilization (over 100 when it uses more) [config host.cpu_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l memory-request -d 'The container\'s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l endpoint -d 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l header -d 'Send a request header to every endpoint, e.g. \'X-Api-Key: …\' (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l bearer-token-file -d 'Send \'Authorization: Bearer <token>\' with the token read from this file' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l timeout -d 'Per-endpoint timeout (connect and whole response)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l concurrency -d 'Endpoints scraped at once' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l max-body -d 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l prometheus -d 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l prometheus-query -d 'Replace a metric\'s query, e.g. \'requests_per_second=sum(rate(reqs[5m]))\'; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l max-age -d 'Measure CPU from this instance\'s previous sample only when it is younger than this (0 = any age); older, a short window is waited instead' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l current-replicas -d 'Record the replica count running now in the sample (`replicas`): recommend takes the newest as the current count, and its changes are the HPA behavior\'s scale events' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l no-host -d 'Do not measure host CPU and memory'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l strict-exposition -d 'Reject expositions that break a rule of their format (OpenMetrics 1.0\'s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l allow-partial -d 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -l json -d 'Print the sample written as JSON'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand collect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l metric -d 'Set a sample field, e.g. requests_per_second=140 (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l instance -d 'Who produces the sample [default: the host name]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l cpu-window -d 'Measure CPU over a fresh window of this length instead of the interval since this instance\'s previous sample (e.g. 1s)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l cpu-request -d 'The container\'s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA\'s averageUtilization (over 100 when it uses more) [config host.cpu_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l memory-request -d 'The container\'s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l endpoint -d 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l header -d 'Send a request header to every endpoint, e.g. \'X-Api-Key: …\' (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l bearer-token-file -d 'Send \'Authorization: Bearer <token>\' with the token read from this file' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l timeout -d 'Per-endpoint timeout (connect and whole response)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l concurrency -d 'Endpoints scraped at once' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l max-body -d 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l prometheus -d 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l prometheus-query -d 'Replace a metric\'s query, e.g. \'requests_per_second=sum(rate(reqs[5m]))\'; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l current-replicas -d 'Replicas running now: adds current_replicas/target_replicas/clamped/proposed/limited_by (default: the newest sample\'s `replicas`; with --collect, recorded in the new sample)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l min-replicas -d 'Never recommend fewer replicas than this' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l max-replicas -d 'Never recommend more replicas than this' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l max-age -d 'Wait when the newest sample is older than this (0 = never stale)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l policy -d 'Who decides: the scaling guide\'s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)' -r -f -a "threshold\t'The scaling guide\'s threshold rules (the default)'
hpa\t'The Kubernetes HPA\'s proportional algorithm'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l scale-up-window -d 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 0; the scaling guide\'s hpa.yaml 60s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l scale-down-window -d 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 5m]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l window -d 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l statistic -d 'The statistic --window uses' -r -f -a "median\t''
mean\t''
p90\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l tolerance -d 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file\'s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l tolerance-up -d 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l tolerance-down -d 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l rps-scope -d 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)' -r -f -a "fleet\t'requests_per_second is the service total'
instance\t'requests_per_second is already per pod'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l hpa -d 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l target -d 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l json -d 'Print the recommendation as JSON (schema_version 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l collect -d 'Take a fresh sample first and append it (one-shot advisor)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l no-host -d 'Do not measure host CPU and memory'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l strict-exposition -d 'Reject expositions that break a rule of their format (OpenMetrics 1.0\'s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l allow-partial -d 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l exit-code -d 'Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -l fleet -d 'Decide for the whole fleet: the newest sample of each instance seen within --max-age, aggregated (sums for rates and connections, request-weighted latency, mean CPU/memory)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand recommend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l metric -d 'Set a sample field, e.g. requests_per_second=140 (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l instance -d 'Who produces the sample [default: the host name]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l cpu-window -d 'Measure CPU over a fresh window of this length instead of the interval since this instance\'s previous sample (e.g. 1s)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l cpu-request -d 'The container\'s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA\'s averageUtilization (over 100 when it uses more) [config host.cpu_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l memory-request -d 'The container\'s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l endpoint -d 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l header -d 'Send a request header to every endpoint, e.g. \'X-Api-Key: …\' (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l bearer-token-file -d 'Send \'Authorization: Bearer <token>\' with the token read from this file' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l timeout -d 'Per-endpoint timeout (connect and whole response)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l concurrency -d 'Endpoints scraped at once' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l max-body -d 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l prometheus -d 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l prometheus-query -d 'Replace a metric\'s query, e.g. \'requests_per_second=sum(rate(reqs[5m]))\'; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l policy -d 'Who decides: the scaling guide\'s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)' -r -f -a "threshold\t'The scaling guide\'s threshold rules (the default)'
hpa\t'The Kubernetes HPA\'s proportional algorithm'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l scale-up-window -d 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 0; the scaling guide\'s hpa.yaml 60s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l scale-down-window -d 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 5m]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l window -d 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l statistic -d 'The statistic --window uses' -r -f -a "median\t''
mean\t''
p90\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l tolerance -d 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file\'s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l tolerance-up -d 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l tolerance-down -d 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l rps-scope -d 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)' -r -f -a "fleet\t'requests_per_second is the service total'
instance\t'requests_per_second is already per pod'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l hpa -d 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l target -d 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l interval -d 'Time between ticks (humantime: 10s, 500ms, 1m; 0 = back to back)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l count -d 'Stop after N ticks [default: run until stopped]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l current-replicas -d 'Replicas running now: adds current/target replicas to every recommendation and is recorded in every sample (`replicas`)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l min-replicas -d 'Never recommend fewer replicas than this' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l max-replicas -d 'Never recommend more replicas than this' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l max-age -d 'Wait when the newest sample is older than this (0 = never stale)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l serve -d 'Serve /metrics, /health and /ready on ADDR (PORT alone binds 127.0.0.1)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l exec-on-change -d 'Run PROGRAM (no shell) when the action or delta changes, with the --exec-arg arguments. Environment: RIZK_ACTION, RIZK_REPLICA_DELTA, RIZK_TARGET_REPLICAS, RIZK_REASON' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l exec-arg -d 'An argument for the --exec-on-change program (repeatable, in order; may start with \'-\', e.g. --exec-arg=-c)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l coordination-interval -d 'The leader\'s lease: renewed every third of it, taken over by another instance when the leader has not renewed it for this long (at least 100ms)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l no-host -d 'Do not measure host CPU and memory'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l strict-exposition -d 'Reject expositions that break a rule of their format (OpenMetrics 1.0\'s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l allow-partial -d 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l json -d 'One JSON object per tick (NDJSON, schema_version 1), nothing else on stdout'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -l coordinate -d 'Elect one leader per service with a Redis lease (needs --history redis://…): only the leader emits fleet recommendations and runs --exec-on-change; the others keep collecting'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand monitor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -f -a "show" -d 'The last samples as a table, and a sparkline per metric over the whole history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -f -a "export" -d 'Write the history as CSV, JSON or JSON Lines'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -f -a "import" -d 'Merge samples from a JSON Lines or CSV file into the history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -f -a "clear" -d 'Delete every sample (asks first on a terminal; --yes otherwise)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and not __fish_seen_subcommand_from show export import clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -s n -l last -d 'Show the last N samples in the table (sparklines always cover the whole history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -l json -d 'Print the last N samples as JSON (schema_version 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l format -d 'Output format. CSV has one column per sample field and drops extra fields; JSON and JSON Lines keep them' -r -f -a "csv\t'A header of sample field names, then one row per sample'
json\t'One document: {"schema_version":1,"samples":[…]}'
jsonl\t'One sample per line, as in the history file'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE instead of stdout (a new file is created 0600, like the history)' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l format -d 'The file\'s format; auto: JSON Lines when it starts with \'{\', else CSV' -r -f -a "auto\t'JSON Lines when the first non-blank character is \'{\', else CSV'
csv\t'A header of sample field names, then one row per sample'
jsonl\t'One sample per line'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from import" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -s y -l yes -d 'Do not ask (required when stdin is not a terminal)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from clear" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "show" -d 'The last samples as a table, and a sparkline per metric over the whole history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write the history as CSV, JSON or JSON Lines'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "import" -d 'Merge samples from a JSON Lines or CSV file into the history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "clear" -d 'Delete every sample (asks first on a terminal; --yes otherwise)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand history; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l manifests -d 'Kubernetes YAML: a file or a directory of *.yaml/*.yml (repeatable)' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l nginx-conf -d 'The load balancer\'s nginx.conf (includes are followed)' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l health-url -d 'A URL that must answer 2xx, e.g. the load balancer\'s /health (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l endpoint -d 'A metrics URL that must answer and parse, as `collect --endpoint` reads it (a bare http://HOST:PORT is its /metrics) (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l redis -d 'The shared Redis (redis:// or rediss://; comma-separated seeds for a cluster)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l redis-sentinel -d 'A Sentinel to ask instead (needs --sentinel-master)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l sentinel-master -d 'The master name Sentinel monitors' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l attest -d 'Something only a person can vouch for, e.g. backup_recovery_tested=2026-10-01 (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l attest-max-age -d 'Attestations older than this many days warn' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l workload -d 'Judge only this Deployment or StatefulSet (NAME or NAMESPACE/NAME; repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l only -d 'Run only these checks (ids, categories or short names; comma-separated)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l skip -d 'Skip these checks' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l timeout -d 'Time allowed to each check' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l strict -d 'Warnings make the deployment not ready (exit 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l strict-exposition -d 'A /metrics page that breaks a rule of its format fails instead of warning'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -l json -d 'Print the report as JSON (schema_version 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -f -a "show" -d 'Show every effective setting and where it came from'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -f -a "init" -d 'Write a commented default configuration file'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -f -a "check" -d 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and not __fish_seen_subcommand_from show init check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l hpa -d 'Also show what this HorizontalPodAutoscaler manifest sets (as `--hpa` would): the replica bounds it provides where nothing else sets them, its targets and behavior' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print as JSON (schema_version 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Overwrite an existing file'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show every effective setting and where it came from'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented default configuration file'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l policy -d 'Who decides: the scaling guide\'s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)' -r -f -a "threshold\t'The scaling guide\'s threshold rules (the default)'
hpa\t'The Kubernetes HPA\'s proportional algorithm'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l scale-up-window -d 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 0; the scaling guide\'s hpa.yaml 60s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l scale-down-window -d 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior\'s window, Kubernetes default 5m]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l window -d 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l statistic -d 'The statistic --window uses' -r -f -a "median\t''
mean\t''
p90\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l tolerance -d 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file\'s]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l tolerance-up -d 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l tolerance-down -d 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l rps-scope -d 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)' -r -f -a "fleet\t'requests_per_second is the service total'
instance\t'requests_per_second is already per pod'"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l hpa -d 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l target -d 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l current-replicas -d 'Start from this many replicas and apply every decision (required by --policy hpa)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l min-replicas -d 'Never go below this many replicas' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l max-replicas -d 'Never go above this many replicas' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l compare -d 'Also replay this policy and show the runs side by side (repeatable, any number): a spec is an optional starting point — guide (the scaling guide\'s default rules, exactly; also \'seed\'), threshold (the rules as configured) or hpa (the HPA\'s defaults), windows off — then KEY=VALUE changes, e.g. --compare guide --compare hpa --compare \'guide,scale-up-cpu=60\' --compare \'scale-down-window=5m\'; without a starting point the changes apply to this command\'s flags (keys: policy, scale-up-window, scale-down-window, window, statistic, tolerance, target, min-replicas, max-replicas, scale-up-METRIC, scale-down-METRIC)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l prometheus -d 'Build the history from range queries to this Prometheus (http:// or https://) instead of the stored history: the collect queries ([prometheus.queries], --prometheus-query) plus the observed replica count (query \'replicas\')' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l prometheus-query -d 'Replace a query, e.g. \'requests_per_second=sum(rate(reqs[5m]))\', or give the replica count: \'replicas=kube_deployment_status_replicas{deployment="web"}\' (repeatable)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l from -d 'Start of the range: RFC 3339 (2026-11-23T18:00:00Z), now, or relative (-7d, now-36h)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l to -d 'End of the range (same forms as --from)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l step -d 'Between two samples of the range' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l query-timeout -d 'Per range query timeout' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l scale-metrics -d 'Metrics besides cpu_percent whose per-replica value scales with observed / simulated replicas, comma-separated (e.g. memory_percent,active_connections)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l save-history -d 'Also write the samples replayed to this file as a history (JSON Lines), e.g. to replay a Prometheus range again offline with --history' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l report -d 'Write a self-contained HTML report (inline SVG charts, the figures table, the model)' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l history -d 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l service -d 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l key-prefix -d 'Prefix of the shared history\'s Redis keys (<prefix>:{SERVICE}:history)' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l capacity -d 'Samples kept in the rolling history' -r
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l color -d 'When to colour the output' -r -f -a "auto\t'Colour when stdout is a terminal, NO_COLOR is unset and TERM is not dumb'
always\t''
never\t''"
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l config -d 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]' -r -F
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l no-load-model -d 'Replay on the metrics as recorded even where the observed replica count is known'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -l json -d 'Print the whole timeline as JSON (schema_version 1)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -s q -l quiet -d 'Print no warnings'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -s v -l verbose -d 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "collect" -d 'Take one sample (host and given metrics) and append it to the history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "recommend" -d 'Decide from the history: action, replica delta, reason and every condition'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "monitor" -d 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "history" -d 'Show, export, import or clear the history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "validate" -d 'Run the scaling-readiness checklist against the real system'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "config" -d 'Show, create or check the configuration file'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "replay" -d 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and not __fish_seen_subcommand_from collect recommend monitor history validate config replay help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "show" -d 'The last samples as a table, and a sparkline per metric over the whole history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "export" -d 'Write the history as CSV, JSON or JSON Lines'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "import" -d 'Merge samples from a JSON Lines or CSV file into the history'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from history" -f -a "clear" -d 'Delete every sample (asks first on a terminal; --yes otherwise)'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show every effective setting and where it came from'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented default configuration file'
complete -c rizk-scale -n "__fish_rizk_scale_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid'
