"""CaptionKit on Apache Spark: captions a list of images with one long-lived `caption --json -`
process per partition and writes one row per image through Spark's output commit protocol.

Run it through scripts/caption-spark; docs/spark.md explains the job, how executors find the
engine, faults and resuming, and the plan for 100 million images.
"""
