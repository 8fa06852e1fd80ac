
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'rizk-scale' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'rizk-scale'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'rizk-scale' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Take one sample (host and given metrics) and append it to the history')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Decide from the history: action, replica delta, reason and every condition')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show, export, import or clear the history')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Run the scaling-readiness checklist against the real system')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, create or check the configuration file')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;collect' {
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Set a sample field, e.g. requests_per_second=140 (repeatable)')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'Who produces the sample [default: the host name]')
            [CompletionResult]::new('--cpu-window', '--cpu-window', [CompletionResultType]::ParameterName, 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)')
            [CompletionResult]::new('--cpu-request', '--cpu-request', [CompletionResultType]::ParameterName, 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]')
            [CompletionResult]::new('--memory-request', '--memory-request', [CompletionResultType]::ParameterName, 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Send ''Authorization: Bearer <token>'' with the token read from this file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-endpoint timeout (connect and whole response)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Endpoints scraped at once')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown')
            [CompletionResult]::new('--prometheus-query', '--prometheus-query', [CompletionResultType]::ParameterName, 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Measure CPU from this instance''s previous sample only when it is younger than this (0 = any age); older, a short window is waited instead')
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Record the replica count running now in the sample (`replicas`): recommend takes the newest as the current count, and its changes are the HPA behavior''s scale events')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--no-host', '--no-host', [CompletionResultType]::ParameterName, 'Do not measure host CPU and memory')
            [CompletionResult]::new('--strict-exposition', '--strict-exposition', [CompletionResultType]::ParameterName, 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the sample written as JSON')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;recommend' {
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Set a sample field, e.g. requests_per_second=140 (repeatable)')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'Who produces the sample [default: the host name]')
            [CompletionResult]::new('--cpu-window', '--cpu-window', [CompletionResultType]::ParameterName, 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)')
            [CompletionResult]::new('--cpu-request', '--cpu-request', [CompletionResultType]::ParameterName, 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]')
            [CompletionResult]::new('--memory-request', '--memory-request', [CompletionResultType]::ParameterName, 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Send ''Authorization: Bearer <token>'' with the token read from this file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-endpoint timeout (connect and whole response)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Endpoints scraped at once')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown')
            [CompletionResult]::new('--prometheus-query', '--prometheus-query', [CompletionResultType]::ParameterName, 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)')
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Replicas running now: adds current_replicas/target_replicas/clamped/proposed/limited_by (default: the newest sample''s `replicas`; with --collect, recorded in the new sample)')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Never recommend fewer replicas than this')
            [CompletionResult]::new('--max-replicas', '--max-replicas', [CompletionResultType]::ParameterName, 'Never recommend more replicas than this')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Wait when the newest sample is older than this (0 = never stale)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)')
            [CompletionResult]::new('--scale-up-window', '--scale-up-window', [CompletionResultType]::ParameterName, 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]')
            [CompletionResult]::new('--scale-down-window', '--scale-down-window', [CompletionResultType]::ParameterName, 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)')
            [CompletionResult]::new('--statistic', '--statistic', [CompletionResultType]::ParameterName, 'The statistic --window uses')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]')
            [CompletionResult]::new('--tolerance-up', '--tolerance-up', [CompletionResultType]::ParameterName, 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--tolerance-down', '--tolerance-down', [CompletionResultType]::ParameterName, 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--rps-scope', '--rps-scope', [CompletionResultType]::ParameterName, 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)')
            [CompletionResult]::new('--hpa', '--hpa', [CompletionResultType]::ParameterName, 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the recommendation as JSON (schema_version 1)')
            [CompletionResult]::new('--collect', '--collect', [CompletionResultType]::ParameterName, 'Take a fresh sample first and append it (one-shot advisor)')
            [CompletionResult]::new('--no-host', '--no-host', [CompletionResultType]::ParameterName, 'Do not measure host CPU and memory')
            [CompletionResult]::new('--strict-exposition', '--strict-exposition', [CompletionResultType]::ParameterName, 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)')
            [CompletionResult]::new('--exit-code', '--exit-code', [CompletionResultType]::ParameterName, 'Exit 10 on scale_up, 11 on scale_down, 12 on wait (maintain: 0)')
            [CompletionResult]::new('--fleet', '--fleet', [CompletionResultType]::ParameterName, 'Decide for the whole fleet: the newest sample of each instance seen within --max-age, aggregated (sums for rates and connections, request-weighted latency, mean CPU/memory)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;monitor' {
            [CompletionResult]::new('--metric', '--metric', [CompletionResultType]::ParameterName, 'Set a sample field, e.g. requests_per_second=140 (repeatable)')
            [CompletionResult]::new('--instance', '--instance', [CompletionResultType]::ParameterName, 'Who produces the sample [default: the host name]')
            [CompletionResult]::new('--cpu-window', '--cpu-window', [CompletionResultType]::ParameterName, 'Measure CPU over a fresh window of this length instead of the interval since this instance''s previous sample (e.g. 1s)')
            [CompletionResult]::new('--cpu-request', '--cpu-request', [CompletionResultType]::ParameterName, 'The container''s CPU request (200m, 0.5, 2): CPU is its usage relative to this, as the HPA''s averageUtilization (over 100 when it uses more) [config host.cpu_request]')
            [CompletionResult]::new('--memory-request', '--memory-request', [CompletionResultType]::ParameterName, 'The container''s memory request (256Mi, 1G, 1e9): memory is its working set relative to this [config host.memory_request]')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'Scrape a metrics endpoint: http://, https:// or file:// (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Send a request header to every endpoint, e.g. ''X-Api-Key: …'' (repeatable)')
            [CompletionResult]::new('--bearer-token-file', '--bearer-token-file', [CompletionResultType]::ParameterName, 'Send ''Authorization: Bearer <token>'' with the token read from this file')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-endpoint timeout (connect and whole response)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Endpoints scraped at once')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest response body accepted (bigger is an error), e.g. 16MiB, 512KiB')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Take each metric from a PromQL instant query to this Prometheus (http:// or https://, e.g. http://prometheus:9090); an empty answer or an error leaves the metric unknown')
            [CompletionResult]::new('--prometheus-query', '--prometheus-query', [CompletionResultType]::ParameterName, 'Replace a metric''s query, e.g. ''requests_per_second=sum(rate(reqs[5m]))''; an empty query leaves the metric out (repeatable; over [prometheus.queries] in the config)')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)')
            [CompletionResult]::new('--scale-up-window', '--scale-up-window', [CompletionResultType]::ParameterName, 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]')
            [CompletionResult]::new('--scale-down-window', '--scale-down-window', [CompletionResultType]::ParameterName, 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)')
            [CompletionResult]::new('--statistic', '--statistic', [CompletionResultType]::ParameterName, 'The statistic --window uses')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]')
            [CompletionResult]::new('--tolerance-up', '--tolerance-up', [CompletionResultType]::ParameterName, 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--tolerance-down', '--tolerance-down', [CompletionResultType]::ParameterName, 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--rps-scope', '--rps-scope', [CompletionResultType]::ParameterName, 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)')
            [CompletionResult]::new('--hpa', '--hpa', [CompletionResultType]::ParameterName, 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between ticks (humantime: 10s, 500ms, 1m; 0 = back to back)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N ticks [default: run until stopped]')
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Replicas running now: adds current/target replicas to every recommendation and is recorded in every sample (`replicas`)')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Never recommend fewer replicas than this')
            [CompletionResult]::new('--max-replicas', '--max-replicas', [CompletionResultType]::ParameterName, 'Never recommend more replicas than this')
            [CompletionResult]::new('--max-age', '--max-age', [CompletionResultType]::ParameterName, 'Wait when the newest sample is older than this (0 = never stale)')
            [CompletionResult]::new('--serve', '--serve', [CompletionResultType]::ParameterName, 'Serve /metrics, /health and /ready on ADDR (PORT alone binds 127.0.0.1)')
            [CompletionResult]::new('--exec-on-change', '--exec-on-change', [CompletionResultType]::ParameterName, 'Run PROGRAM (no shell) when the action or delta changes, with the --exec-arg arguments. Environment: RIZK_ACTION, RIZK_REPLICA_DELTA, RIZK_TARGET_REPLICAS, RIZK_REASON')
            [CompletionResult]::new('--exec-arg', '--exec-arg', [CompletionResultType]::ParameterName, 'An argument for the --exec-on-change program (repeatable, in order; may start with ''-'', e.g. --exec-arg=-c)')
            [CompletionResult]::new('--coordination-interval', '--coordination-interval', [CompletionResultType]::ParameterName, 'The leader''s lease: renewed every third of it, taken over by another instance when the leader has not renewed it for this long (at least 100ms)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--no-host', '--no-host', [CompletionResultType]::ParameterName, 'Do not measure host CPU and memory')
            [CompletionResult]::new('--strict-exposition', '--strict-exposition', [CompletionResultType]::ParameterName, 'Reject expositions that break a rule of their format (OpenMetrics 1.0''s validity rules, one HELP/TYPE per text family); by default a page is read as Prometheus reads it')
            [CompletionResult]::new('--allow-partial', '--allow-partial', [CompletionResultType]::ParameterName, 'When every --endpoint fails, keep a sample of the host (and --metric) instead of exiting 2 (collect, recommend --collect; monitor always keeps it)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per tick (NDJSON, schema_version 1), nothing else on stdout')
            [CompletionResult]::new('--coordinate', '--coordinate', [CompletionResultType]::ParameterName, 'Elect one leader per service with a Redis lease (needs --history redis://…): only the leader emits fleet recommendations and runs --exec-on-change; the others keep collecting')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;history' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The last samples as a table, and a sparkline per metric over the whole history')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the history as CSV, JSON or JSON Lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge samples from a JSON Lines or CSV file into the history')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every sample (asks first on a terminal; --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;history;show' {
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Show the last N samples in the table (sparklines always cover the whole history)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'Show the last N samples in the table (sparklines always cover the whole history)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the last N samples as JSON (schema_version 1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;history;export' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format. CSV has one column per sample field and drops extra fields; JSON and JSON Lines keep them')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (a new file is created 0600, like the history)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (a new file is created 0600, like the history)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;history;import' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The file''s format; auto: JSON Lines when it starts with ''{'', else CSV')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;history;clear' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask (required when stdin is not a terminal)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;history;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The last samples as a table, and a sparkline per metric over the whole history')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the history as CSV, JSON or JSON Lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge samples from a JSON Lines or CSV file into the history')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every sample (asks first on a terminal; --yes otherwise)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;history;help;show' {
            break
        }
        'rizk-scale;history;help;export' {
            break
        }
        'rizk-scale;history;help;import' {
            break
        }
        'rizk-scale;history;help;clear' {
            break
        }
        'rizk-scale;history;help;help' {
            break
        }
        'rizk-scale;validate' {
            [CompletionResult]::new('--manifests', '--manifests', [CompletionResultType]::ParameterName, 'Kubernetes YAML: a file or a directory of *.yaml/*.yml (repeatable)')
            [CompletionResult]::new('--nginx-conf', '--nginx-conf', [CompletionResultType]::ParameterName, 'The load balancer''s nginx.conf (includes are followed)')
            [CompletionResult]::new('--health-url', '--health-url', [CompletionResultType]::ParameterName, 'A URL that must answer 2xx, e.g. the load balancer''s /health (repeatable)')
            [CompletionResult]::new('--endpoint', '--endpoint', [CompletionResultType]::ParameterName, 'A metrics URL that must answer and parse, as `collect --endpoint` reads it (a bare http://HOST:PORT is its /metrics) (repeatable)')
            [CompletionResult]::new('--redis', '--redis', [CompletionResultType]::ParameterName, 'The shared Redis (redis:// or rediss://; comma-separated seeds for a cluster)')
            [CompletionResult]::new('--redis-sentinel', '--redis-sentinel', [CompletionResultType]::ParameterName, 'A Sentinel to ask instead (needs --sentinel-master)')
            [CompletionResult]::new('--sentinel-master', '--sentinel-master', [CompletionResultType]::ParameterName, 'The master name Sentinel monitors')
            [CompletionResult]::new('--attest', '--attest', [CompletionResultType]::ParameterName, 'Something only a person can vouch for, e.g. backup_recovery_tested=2026-10-01 (repeatable)')
            [CompletionResult]::new('--attest-max-age', '--attest-max-age', [CompletionResultType]::ParameterName, 'Attestations older than this many days warn')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'Judge only this Deployment or StatefulSet (NAME or NAMESPACE/NAME; repeatable)')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these checks (ids, categories or short names; comma-separated)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these checks')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Time allowed to each check')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings make the deployment not ready (exit 1)')
            [CompletionResult]::new('--strict-exposition', '--strict-exposition', [CompletionResultType]::ParameterName, 'A /metrics page that breaks a rule of its format fails instead of warning')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the report as JSON (schema_version 1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;config' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every effective setting and where it came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default configuration file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;config;show' {
            [CompletionResult]::new('--hpa', '--hpa', [CompletionResultType]::ParameterName, 'Also show what this HorizontalPodAutoscaler manifest sets (as `--hpa` would): the replica bounds it provides where nothing else sets them, its targets and behavior')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON (schema_version 1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;config;init' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;config;check' {
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every effective setting and where it came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default configuration file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;config;help;show' {
            break
        }
        'rizk-scale;config;help;init' {
            break
        }
        'rizk-scale;config;help;check' {
            break
        }
        'rizk-scale;config;help;help' {
            break
        }
        'rizk-scale;replay' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Who decides: the scaling guide''s default rules (threshold), or the Kubernetes HPA algorithm (hpa; needs --current-replicas; requests_per_second is read as the fleet total and divided by the current replicas)')
            [CompletionResult]::new('--scale-up-window', '--scale-up-window', [CompletionResultType]::ParameterName, 'Scale up only as far as every sample in this window agrees, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 0; the scaling guide''s hpa.yaml 60s]')
            [CompletionResult]::new('--scale-down-window', '--scale-down-window', [CompletionResultType]::ParameterName, 'Scale down only when every sample in this window recommended it, HPA-style (0 = off) [default: 0; under --policy hpa the behavior''s window, Kubernetes default 5m]')
            [CompletionResult]::new('--window', '--window', [CompletionResultType]::ParameterName, 'Decide on a statistic of the last N samples per metric instead of the newest (1 = off)')
            [CompletionResult]::new('--statistic', '--statistic', [CompletionResultType]::ParameterName, 'The statistic --window uses')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'hpa: a metric/target ratio within this distance of 1 changes nothing, both ways [default: 0.1, or the --hpa file''s]')
            [CompletionResult]::new('--tolerance-up', '--tolerance-up', [CompletionResultType]::ParameterName, 'hpa: the tolerance above 1 (a ratio up to 1 + F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--tolerance-down', '--tolerance-down', [CompletionResultType]::ParameterName, 'hpa: the tolerance below 1 (a ratio down to 1 − F changes nothing) [default: --tolerance]')
            [CompletionResult]::new('--rps-scope', '--rps-scope', [CompletionResultType]::ParameterName, 'hpa: whether requests_per_second is the service total (fleet: divided by the current replicas) or already per pod (instance: as a sidecar measures it)')
            [CompletionResult]::new('--hpa', '--hpa', [CompletionResultType]::ParameterName, 'Read a HorizontalPodAutoscaler manifest (autoscaling/v2, v2beta2, v1; NAME picks one of several): its bounds, metric targets and behavior; implies --policy hpa. Flags given explicitly override the file')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'hpa: the target of a metric, e.g. cpu_percent=60, or NAME=off to drop one (repeatable) [default: cpu_percent=70 memory_percent=80 requests_per_second=100 (per replica)]')
            [CompletionResult]::new('--current-replicas', '--current-replicas', [CompletionResultType]::ParameterName, 'Start from this many replicas and apply every decision (required by --policy hpa)')
            [CompletionResult]::new('--min-replicas', '--min-replicas', [CompletionResultType]::ParameterName, 'Never go below this many replicas')
            [CompletionResult]::new('--max-replicas', '--max-replicas', [CompletionResultType]::ParameterName, 'Never go above this many replicas')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Also replay this policy and show the runs side by side (repeatable, any number): a spec is an optional starting point — guide (the scaling guide''s default rules, exactly; also ''seed''), threshold (the rules as configured) or hpa (the HPA''s defaults), windows off — then KEY=VALUE changes, e.g. --compare guide --compare hpa --compare ''guide,scale-up-cpu=60'' --compare ''scale-down-window=5m''; without a starting point the changes apply to this command''s flags (keys: policy, scale-up-window, scale-down-window, window, statistic, tolerance, target, min-replicas, max-replicas, scale-up-METRIC, scale-down-METRIC)')
            [CompletionResult]::new('--prometheus', '--prometheus', [CompletionResultType]::ParameterName, 'Build the history from range queries to this Prometheus (http:// or https://) instead of the stored history: the collect queries ([prometheus.queries], --prometheus-query) plus the observed replica count (query ''replicas'')')
            [CompletionResult]::new('--prometheus-query', '--prometheus-query', [CompletionResultType]::ParameterName, 'Replace a query, e.g. ''requests_per_second=sum(rate(reqs[5m]))'', or give the replica count: ''replicas=kube_deployment_status_replicas{deployment="web"}'' (repeatable)')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Start of the range: RFC 3339 (2026-11-23T18:00:00Z), now, or relative (-7d, now-36h)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'End of the range (same forms as --from)')
            [CompletionResult]::new('--step', '--step', [CompletionResultType]::ParameterName, 'Between two samples of the range')
            [CompletionResult]::new('--query-timeout', '--query-timeout', [CompletionResultType]::ParameterName, 'Per range query timeout')
            [CompletionResult]::new('--scale-metrics', '--scale-metrics', [CompletionResultType]::ParameterName, 'Metrics besides cpu_percent whose per-replica value scales with observed / simulated replicas, comma-separated (e.g. memory_percent,active_connections)')
            [CompletionResult]::new('--save-history', '--save-history', [CompletionResultType]::ParameterName, 'Also write the samples replayed to this file as a history (JSON Lines), e.g. to replay a Prometheus range again offline with --history')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write a self-contained HTML report (inline SVG charts, the figures table, the model)')
            [CompletionResult]::new('--history', '--history', [CompletionResultType]::ParameterName, 'History file (JSON Lines), or a shared history in Redis: redis://HOST:PORT[/DB] or rediss://…, several comma-separated seed nodes for a cluster [default: $XDG_STATE_HOME/rizk-scale/history.jsonl]')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'The service whose instances share a Redis history (key <prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--key-prefix', '--key-prefix', [CompletionResultType]::ParameterName, 'Prefix of the shared history''s Redis keys (<prefix>:{SERVICE}:history)')
            [CompletionResult]::new('--capacity', '--capacity', [CompletionResultType]::ParameterName, 'Samples kept in the rolling history')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour the output')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Configuration file [default: ./rizk-scale.toml, else $XDG_CONFIG_HOME/rizk-scale/config.toml]')
            [CompletionResult]::new('--no-load-model', '--no-load-model', [CompletionResultType]::ParameterName, 'Replay on the metrics as recorded even where the observed replica count is known')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the whole timeline as JSON (schema_version 1)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print no warnings')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Print diagnostics on stderr: -v what was loaded and contacted, -vv resolved settings too')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'rizk-scale;help' {
            [CompletionResult]::new('collect', 'collect', [CompletionResultType]::ParameterValue, 'Take one sample (host and given metrics) and append it to the history')
            [CompletionResult]::new('recommend', 'recommend', [CompletionResultType]::ParameterValue, 'Decide from the history: action, replica delta, reason and every condition')
            [CompletionResult]::new('monitor', 'monitor', [CompletionResultType]::ParameterValue, 'Loop: collect, append, recommend and show every --interval; optionally serve /metrics')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'Show, export, import or clear the history')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Run the scaling-readiness checklist against the real system')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show, create or check the configuration file')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Run a policy over the stored history, sample by sample: timeline, flaps, final replicas')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'rizk-scale;help;collect' {
            break
        }
        'rizk-scale;help;recommend' {
            break
        }
        'rizk-scale;help;monitor' {
            break
        }
        'rizk-scale;help;history' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'The last samples as a table, and a sparkline per metric over the whole history')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write the history as CSV, JSON or JSON Lines')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Merge samples from a JSON Lines or CSV file into the history')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Delete every sample (asks first on a terminal; --yes otherwise)')
            break
        }
        'rizk-scale;help;history;show' {
            break
        }
        'rizk-scale;help;history;export' {
            break
        }
        'rizk-scale;help;history;import' {
            break
        }
        'rizk-scale;help;history;clear' {
            break
        }
        'rizk-scale;help;validate' {
            break
        }
        'rizk-scale;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show every effective setting and where it came from')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default configuration file')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a configuration file (default: the one in effect) and exit 2 if it is invalid')
            break
        }
        'rizk-scale;help;config;show' {
            break
        }
        'rizk-scale;help;config;init' {
            break
        }
        'rizk-scale;help;config;check' {
            break
        }
        'rizk-scale;help;replay' {
            break
        }
        'rizk-scale;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
