"""`make bench`: throughput and latency of the gateway against a bare strawberry reference."""
