"""The web page of `caption serve` in headless Chromium (run by scripts/browser-test).

Uploads a fixture image, waits for the caption, checks it equals the `caption` command's,
checks the n-best list shows the captions and scores `caption --json --n-best 3` prints, hovers a word and checks its attention map is drawn over the image,
uploads a text file and checks the error is shown in plain words, and saves screenshots.
Prints one line per check and a closing 'browser: N passed, N failed' line; exits 1 on any
failure.
"""

import argparse
import json
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as conditions
from selenium.webdriver.support.ui import WebDriverWait

results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("ok   " if condition else "FAIL ") + name + ("" if condition else ": " + detail), flush=True)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1000,760", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def overlay_coverage(driver):
    """The fraction of the overlay canvas's pixels that are drawn (alpha > 0)."""
    return driver.execute_script("""
        const canvas = document.getElementById('overlay');
        if (!canvas.width || !canvas.height) return 0;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let drawn = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++;
        return drawn / (canvas.width * canvas.height);
    """)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--image", required=True)
    parser.add_argument("--expected", required=True, help="the caption `caption` prints for --image")
    parser.add_argument("--expected-n-best", required=True,
                        help="the JSON object `caption --json --n-best 3` prints for --image")
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()

    driver = browser()
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(arguments.url)
        check("page title", driver.title == "CaptionKit", driver.title)

        driver.find_element(By.ID, "file").send_keys(os.path.abspath(arguments.image))
        wait.until(conditions.presence_of_element_located((By.CSS_SELECTOR, "#caption .word")))
        words = [span.text for span in driver.find_elements(By.CSS_SELECTOR, "#caption .word")]
        shown = " ".join(words)
        check("caption equals the command's", shown == arguments.expected,
              f"page {shown!r}, command {arguments.expected!r}")
        expected_n_best = json.loads(arguments.expected_n_best)["n_best"]
        entries = driver.find_elements(By.CSS_SELECTOR, "#nbest li")
        shown_n_best = [(entry.find_element(By.CLASS_NAME, "score").text, entry.text) for entry in entries]
        check("n-best list shows the command's n_best captions with their scores",
              len(entries) == len(expected_n_best) == 3
              and all(text.endswith(expected["caption"]) and abs(float(score) - expected["score"]) < 0.0015
                      for (score, text), expected in zip(shown_n_best, expected_n_best)),
              f"page {shown_n_best!r}, command {[(e['score'], e['caption']) for e in expected_n_best]!r}")
        check("image shown", driver.execute_script(
            "const i = document.getElementById('preview'); return i.complete && i.naturalWidth > 0;"))
        check("no attention drawn before a hover", overlay_coverage(driver) == 0)

        target = driver.find_elements(By.CSS_SELECTOR, "#caption .word")[min(1, len(words) - 1)]
        ActionChains(driver).move_to_element(target).perform()
        wait.until(lambda d: overlay_coverage(d) > 0)
        check("hovered word highlighted", "active" in target.get_attribute("class"))
        coverage = overlay_coverage(driver)
        check("attention map drawn over the image", coverage > 0.5, f"coverage {coverage:.2f}")
        driver.save_screenshot(os.path.join(arguments.screenshots, "page-hover.png"))

        ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
        wait.until(lambda d: overlay_coverage(d) == 0)
        check("map hidden when the pointer leaves", True)

        with tempfile.TemporaryDirectory() as folder:
            text_file = os.path.join(folder, "notes.png")
            with open(text_file, "w") as handle:
                handle.write("this is a text file, not an image\n")
            driver.find_element(By.ID, "file").send_keys(text_file)
            wait.until(lambda d: d.find_element(By.ID, "error").text != "")
        message = driver.find_element(By.ID, "error").text
        check("error shown in plain words", message.startswith("That file is not a JPEG or PNG image"), message)
        driver.save_screenshot(os.path.join(arguments.screenshots, "page-error.png"))
    finally:
        driver.quit()

    failed = results.count(False)
    print(f"browser: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
