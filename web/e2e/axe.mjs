// Accessibility checks for the e2e scenarios: axe-core (through
// @axe-core/playwright) on the page as it is, at desktop width and at 390 px.
//
//   import { checkA11y } from './axe.mjs';
//   await checkA11y(page, 'timeline');            // throws on a serious or critical violation
//   await checkA11y(page, 'player', { include: '[role="dialog"]' });
//
// Rules: WCAG 2.0/2.1/2.2 A and AA, axe's best practices, and the Label in
// Name rule (WCAG 2.5.3), which axe ships off by default. Serious and critical
// violations fail; moderate and minor ones are printed, not failed. Every
// run's full result goes to test-results/axe-<view>-<width>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';

const results = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'test-results');

/** The widths every view is checked at: a desktop and a phone (390 px). */
export const A11Y_VIEWPORTS = [
  { width: 1280, height: 860 },
  { width: 390, height: 844 },
];

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa', 'best-practice'];
const FAILING = new Set(['serious', 'critical']);

/** One line per violation: impact, rule, help, and up to three elements. */
export function describeViolations(violations) {
  return violations.map((v) => {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
    return `${v.impact} ${v.id}: ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}: ${where}${more})`;
  });
}

/**
 * Runs axe-core on page at each of viewports (default: desktop and 390 px),
 * then restores the page's viewport. Throws an Error naming every serious or
 * critical violation; returns the violations of the runs otherwise.
 * opts.include / opts.exclude: CSS selectors to limit the check to or leave out.
 * opts.log: where moderate/minor findings are printed (default console.log).
 */
export async function checkA11y(page, view, opts = {}) {
  const viewports = opts.viewports ?? A11Y_VIEWPORTS;
  const log = opts.log ?? ((...a) => console.log('[axe]', ...a));
  const original = page.viewportSize();
  const failures = [];
  const all = [];
  try {
    for (const vp of viewports) {
      await page.setViewportSize(vp);
      // Let the layout settle at the new width before reading it.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      // options() replaces every option, so it goes before withTags().
      let builder = new AxeBuilder({ page })
        .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
        .withTags(TAGS);
      if (opts.include) builder = builder.include(opts.include);
      if (opts.exclude) builder = builder.exclude(opts.exclude);
      const res = await builder.analyze();
      mkdirSync(results, { recursive: true });
      writeFileSync(join(results, `axe-${view.replace(/\W+/g, '-')}-${vp.width}.json`), JSON.stringify(res, null, 2));
      all.push(...res.violations);
      const bad = res.violations.filter((v) => FAILING.has(v.impact ?? ''));
      const mild = res.violations.filter((v) => !FAILING.has(v.impact ?? ''));
      for (const line of describeViolations(mild)) log(`${view} @${vp.width}px: ${line}`);
      failures.push(...describeViolations(bad).map((line) => `${view} @${vp.width}px: ${line}`));
    }
  } finally {
    if (original) await page.setViewportSize(original);
  }
  if (failures.length > 0) throw new Error(`axe-core found serious or critical violations:\n  ${failures.join('\n  ')}`);
  return all;
}
