-- wrk script: POST /api/v1/tickets as fast as the server takes them.
-- TOKEN and CUSTOMER come from the environment (bench/api-load.sh sets them); CLASSIFY is passed through.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
-- With CLASSIFY=1 the class is left out, so that every request goes through the classifier.
local class = os.getenv("CLASSIFY") == "1" and "" or ', "class": 4'
wrk.body = '{"customer_id": ' .. os.getenv("CUSTOMER") .. ', "subject": "Checkout fails", "description": "Error 500 on pay"' .. class .. ', "channel": "api"}'

done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors_status=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
