"""Shared fixtures: the job's package on the path, the scene image set and its reference
captions, and a Spark session for reading Parquet output."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scene_set import make_image_set, reference_captions  # noqa: E402


@pytest.fixture(scope="session")
def image_set(tmp_path_factory):
    """(folder, relative paths listed): 1,000 links to the scene images and two bad paths."""
    folder = tmp_path_factory.mktemp("scene-set")
    return str(folder), make_image_set(str(folder))


@pytest.fixture(scope="session")
def reference():
    """{image name: caption --json object} from `caption` alone."""
    return reference_captions()


@pytest.fixture(scope="session")
def reader():
    """A small local Spark session that reads the outputs."""
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[1]").appName("captionkit-spark-tests")
             .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    yield spark
    spark.stop()
