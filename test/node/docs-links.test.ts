// The README and docs/ only link inside the repository, every relative link resolves, and the
// README's verification recipes are the files the interop tests run.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOCUMENTS = ['README.md', ...readdirSync('docs').filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** Markdown links `[text](target)` and autolinks `<scheme://...>`, outside code blocks. */
function linksOf(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|<([a-z]+:\/\/[^>\s]+)>/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** GitHub-style anchors of a Markdown file's headings. */
function anchorsOf(markdown: string): Set<string> {
  const headings = markdown.replace(/```[\s\S]*?```/g, '').match(/^#{1,6} .+$/gm) ?? [];
  return new Set(headings.map((heading) => heading.replace(/^#+ /, '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-')));
}

describe('links in README.md and docs/', () => {
  it.each(DOCUMENTS)('every relative link in %s resolves to a file (and heading) in the repository', (document) => {
    for (const link of linksOf(readFileSync(document, 'utf8'))) {
      if (/^[a-z]+:/.test(link) || link.startsWith('#')) continue;
      const [path = '', anchor] = link.split('#');
      const target = join(dirname(document), decodeURIComponent(path));
      expect(existsSync(target), `${document}: ${link}`).toBe(true);
      expect(target.startsWith('..'), `${document}: ${link} leaves the repository`).toBe(false);
      if (anchor && target.endsWith('.md')) expect(anchorsOf(readFileSync(target, 'utf8')).has(anchor), `${document}: ${link}`).toBe(true);
    }
  });

  it('the README links nowhere outside the repository (the local service aside)', () => {
    const outside = linksOf(readFileSync('README.md', 'utf8')).filter((link) => /^[a-z]+:/.test(link) && !/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(link));
    expect(outside).toEqual([]);
  });

  it.each(['hono-jwk.mjs', 'jose.mjs', 'jsonwebtoken.mjs', 'pyjwt.py'])("the README's recipe is examples/recipes/%s as tested", (file) => {
    const code = readFileSync(`examples/recipes/${file}`, 'utf8').split('\n').slice(1).join('\n').trim();
    expect(readFileSync('README.md', 'utf8')).toContain(code);
  });
});
