import { describe, expect, it } from 'vitest';
import { generateWorld } from '../../sandbox/dataset.js';
import { SearchError, compile, searchable, textMatcher, tokenize, words } from './search-query.js';

const world = generateWorld({ size: 60, seed: 7, today: '2026-11-27' });
const run = (query: string) => {
  const s = compile(query, world);
  return searchable(world, s.types).filter(s.matches);
};

describe('zendesk search tokenizer', () => {
  it('splits keywords, operators, phrases and negation', () => {
    expect(tokenize('type:ticket status<solved -priority:low "printer on fire" name:"Acme Inc" help*')).toEqual([
      { kind: 'keyword', negated: false, keyword: 'type', op: ':', value: 'ticket', phrase: false },
      { kind: 'keyword', negated: false, keyword: 'status', op: '<', value: 'solved', phrase: false },
      { kind: 'keyword', negated: true, keyword: 'priority', op: ':', value: 'low', phrase: false },
      { kind: 'text', negated: false, value: 'printer on fire', phrase: true },
      { kind: 'keyword', negated: false, keyword: 'name', op: ':', value: 'Acme Inc', phrase: true },
      { kind: 'text', negated: false, value: 'help*', phrase: false },
    ]);
  });

  it('keeps a backslash as an ordinary character, inside and outside quotes', () => {
    expect(tokenize('"Back\\slash Engineering" a\\b')).toEqual([
      { kind: 'text', negated: false, value: 'Back\\slash Engineering', phrase: true },
      { kind: 'text', negated: false, value: 'a\\b', phrase: false },
    ]);
  });

  it.each([
    ['"unterminated', /unbalanced quotation/],
    ['O"Brien', /unbalanced quotation/],
    ['"a"b', /closing quotation/],
    ['status:', /needs a value/],
    ['*acme', /wildcard cannot start/],
    ['""', /empty phrase/],
    ['type:ticket via:email', /keyword "via" is not supported/],
    ['type:widget', /Invalid type:widget/],
    ['status:done', /status cannot be done/],
    ['ticket_type<task', /does not support "<"/],
    ['created>4hours', /takes a date/],
    ['ac%me*', /only letters and digits/],
  ])('refuses %s with a search error', (q, message) => {
    expect(() => compile(q, world)).toThrow(SearchError);
    expect(() => compile(q, world)).toThrow(message);
  });
});

describe('zendesk search text matching', () => {
  it('tokenizes any script, dropping punctuation', () => {
    expect(words("O'Brien & Sons")).toEqual(['o', 'brien', 'sons']);
    expect(words('東京精密株式会社')).toEqual(['東京精密株式会社']);
    expect(words('Under_score Labs')).toEqual(['under', 'score', 'labs']);
  });

  it('matches words by prefix, phrases exactly and consecutively, wildcards anywhere but first', () => {
    expect(textMatcher('top', false)('Top Ten Trucking')).toBe(true);
    expect(textMatcher('top', false)('Dessert Toppings')).toBe(true);
    expect(textMatcher('top', false)('Desktop Solutions')).toBe(false);
    expect(textMatcher('ten top', true)('Top Ten Trucking')).toBe(false);
    expect(textMatcher('top ten', true)('Top Ten Trucking')).toBe(true);
    expect(textMatcher('top te', true)('Top Ten Trucking')).toBe(false);
    expect(textMatcher('t*king', false)('Top Ten Trucking')).toBe(true);
    expect(textMatcher('Москва', false)('Москва Трейдинг')).toBe(true);
  });
});

describe('zendesk search semantics over the sandbox world', () => {
  const [o1, o2] = world.zendesk.organizations;

  it('ORs a repeated keyword and ANDs different ones', () => {
    const hits = run(`type:ticket organization:${o1!.id} organization:${o2!.id}`);
    const expected = world.zendesk.tickets.filter((t) => t.organization_id === o1!.id || t.organization_id === o2!.id);
    expect(hits.map((h) => h.record.id).sort()).toEqual(expected.map((t) => t.id).sort());
    expect(hits.length).toBeGreaterThan(0);

    const open = run(`type:ticket organization:${o1!.id} status<solved`);
    expect(open.every((h) => h.type === 'ticket' && h.record.organization_id === o1!.id && ['new', 'open', 'pending', 'hold'].includes(h.record.status))).toBe(true);
  });

  it('finds exactly the urgent unsolved tickets the dataset planted', () => {
    const hits = run('type:ticket priority:urgent status<solved');
    expect(hits.map((h) => String(h.record.id)).sort()).toEqual(world.manifest.urgentOpenTickets.map((t) => t.ticketId).sort());
  });

  it('negates, and restricts by type', () => {
    const all = run('type:ticket');
    const notLow = run('type:ticket -priority:low');
    expect(notLow.length).toBe(all.length - all.filter((h) => h.type === 'ticket' && h.record.priority === 'low').length);
    expect(run('-type:ticket -type:user').every((h) => h.type === 'organization')).toBe(true);
    expect(run('type:group')).toEqual([]);
  });

  it('matches tricky names through phrases and words', () => {
    const name = (q: string) => run(`type:organization ${q}`).map((h) => (h.type === 'organization' ? h.record.name : ''));
    expect(name('"O\'Brien & Sons"')).toEqual(["O'Brien & Sons"]);
    expect(name('"The Quoted Company"')).toEqual(['The "Quoted" Company']);
    expect(name('"Back\\slash Engineering"')).toEqual(['Back\\slash Engineering']);
    expect(name('back slash')).toEqual(['Back\\slash Engineering']);
    expect(name('100 natural')).toEqual(['100% Natural Foods']);
    expect(name('name:"Under_score Labs"')).toEqual(['Under_score Labs']);
    expect(name('東京精密株式会社')).toEqual(['東京精密株式会社']);
    expect(name('Zo*')).toEqual(["Zoë's Bakery & Café"]);
  });

  it('looks up external ids case-insensitively and only on tickets and organizations', () => {
    const ext = o1!.external_id!;
    expect(run(`external_id:${ext.toLowerCase()}`).map((h) => h.record.id)).toEqual([o1!.id]);
  });

  it('sorts with order_by/sort', () => {
    const s = compile('type:ticket order_by:created sort:asc', world);
    expect(s.sort).toEqual({ field: 'created_at', order: 'asc' });
  });
});
