// Audits pages with axe-core in headless Chromium: node axe_audit.js AXE_JS URL... -> JSON on stdout.
// axe is injected with page.evaluate, so the pages' Content-Security-Policy (no scripts) still holds
// for everything the pages themselves carry.
const fs = require("fs");
const { chromium } = require("playwright-core");

async function main() {
  const [axePath, ...urls] = process.argv.slice(2);
  const axeSource = fs.readFileSync(axePath, "utf8");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const results = {};
  try {
    for (const url of urls) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(url);
      await page.evaluate(axeSource);
      const found = await page.evaluate(async () => {
        const run = await axe.run(document, { resultTypes: ["violations"] });
        return run.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.failureSummary || "").slice(0, 200)),
        }));
      });
      results[url] = found;
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => { console.error(String(error)); process.exit(2); });
