// Drives a page's keyboard and zoom-to-fit in headless Chromium: node page_keys.js URL [SCREENSHOT]
// -> JSON on stdout: what has the focus after each key, the grid's width against the window,
// and whether the fitted grid fits in the window.
const { chromium } = require("playwright-core");

async function main() {
  const [url, shot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    const focused = () => page.evaluate(() => {
      const e = document.activeElement;
      const name = e.querySelector("h2, h3");
      return { tag: e.tagName, stage: e.classList.contains("stage"), text: name ? name.textContent : "",
               tabindex: e.getAttribute("tabindex"),
               outline: getComputedStyle(e).outlineStyle + " " + getComputedStyle(e).outlineWidth };
    });
    const steps = {};
    await page.focus("tr.lane-touchpoints > td.cell");
    steps.start = await focused();
    for (const key of ["ArrowRight", "ArrowRight", "ArrowUp", "ArrowRight", "ArrowDown", "End", "ArrowLeft", "Home"]) {
      await page.keyboard.press(key);
      steps[Object.keys(steps).length + ":" + key] = await focused();
    }
    const sizes = () => page.evaluate(() => {
      const g = document.querySelector("table.grid"), s = document.querySelector(".scroller");
      const r = g.getBoundingClientRect();
      // each curve point's centre against its touchpoint column's centre, in pixels
      const cells = [...document.querySelectorAll("tr.lane-touchpoints > td.cell")];
      const dots = [...document.querySelectorAll("td.curve-cell svg.curve g.point circle")];
      const offsets = dots.map((d, i) => {
        const a = d.getBoundingClientRect(), c = cells[i].getBoundingClientRect();
        return Math.abs((a.left + a.width / 2) - (c.left + c.width / 2));
      });
      const curve = document.querySelector("td.curve-cell svg.curve").getBoundingClientRect().width;
      const curveCell = document.querySelector("td.curve-cell").getBoundingClientRect().width;
      return { grid: r.width, height: r.height, box: s.clientWidth, window: window.innerWidth,
               windowHeight: window.innerHeight, tabbable: document.querySelectorAll('.grid [tabindex="0"]').length,
               curve, curveCell, offsets };
    });
    const before = await sizes();
    await page.click("#fit");
    const fitted = await sizes();
    if (shot) await page.screenshot({ path: shot });
    process.stdout.write(JSON.stringify({ steps, before, fitted, errors }));
  } finally {
    await browser.close();
  }
}

main().catch((error) => { console.error(String(error)); process.exit(2); });
