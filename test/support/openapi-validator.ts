// Checks real responses against an OpenAPI 3.1 document: status, body schema, content type and every header.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

type Json = Record<string, unknown>;

/** Headers of the transport, not of the API: never documented, never checked. */
const TRANSPORT_HEADERS = new Set(['content-length', 'content-type', 'content-encoding', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** One observed request/response pair that the document does not describe, in words. */
export interface ContractProblem {
  request: string;
  problem: string;
}

/** A validator over one document; `check` collects problems, `operationsSeen` what the journey covered. */
export class OpenApiResponseValidator {
  private readonly ajv;
  private readonly paths: [RegExp, string][];
  readonly problems: ContractProblem[] = [];
  readonly operationsSeen = new Set<string>();

  constructor(private readonly document: Json) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, 'openapi.json');
    this.paths = Object.keys(document.paths as Json).map((template) => [
      new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      template,
    ]);
  }

  /** Looks up `#/...` in the document. */
  private resolve(value: unknown): Json {
    let node = value as Json;
    while (typeof node?.$ref === 'string') node = this.at((node.$ref as string).slice(1));
    return node;
  }

  private at(pointer: string): Json {
    return pointer
      .split('/')
      .slice(1)
      .reduce<Json>((node, part) => node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')] as Json, this.document);
  }

  private matches(schema: Json, value: unknown): string | undefined {
    const validate = this.ajv.compile(schema);
    if (validate(value)) return undefined;
    return this.ajv.errorsText(validate.errors);
  }

  /** Validates one response to `method url`; the body is read from a clone. */
  async check(method: string, url: string, response: Response): Promise<void> {
    const pathname = new URL(url).pathname;
    const request = `${method} ${pathname} → ${response.status}`;
    const fail = (problem: string) => this.problems.push({ request, problem });
    const template = this.paths.find(([pattern]) => pattern.test(pathname))?.[1];
    if (!template) return void fail('path not in the document');
    const escaped = template.replaceAll('~', '~0').replaceAll('/', '~1');
    const operation = (this.document.paths as Record<string, Json>)[template]?.[method.toLowerCase()] as Json | undefined;
    if (!operation) return void fail('method not in the document');
    this.operationsSeen.add(`${method.toUpperCase()} ${template}`);
    const responses = operation.responses as Json;
    if (!(String(response.status) in responses)) return void fail(`status not documented (documented: ${Object.keys(responses).join(', ')})`);
    const documented = this.resolve(responses[String(response.status)]);

    const headers = { ...(this.document['x-every-response-headers'] as Json), ...(documented.headers as Json | undefined) };
    const known = new Map(Object.entries(headers).map(([name, header]) => [name.toLowerCase(), this.resolve(header)]));
    response.headers.forEach((value, name) => {
      if (TRANSPORT_HEADERS.has(name)) return;
      const header = known.get(name);
      if (!header) return void fail(`header ${name} not documented`);
      const error = this.matches(header.schema as Json, value);
      if (error) fail(`header ${name}: ${error}`);
    });
    for (const [name, header] of known) if (header.required === true && !response.headers.has(name)) fail(`required header ${name} missing`);

    const content = documented.content as Record<string, Json> | undefined;
    const text = await response.clone().text();
    if (!content) {
      if (text !== '') fail('a body where the document describes none');
      return;
    }
    const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!(mediaType in content)) return void fail(`content type ${mediaType || '(none)'} not documented`);
    // A page, stylesheet or script (the sign-in page) is documented as a string: its media type is the check.
    if (mediaType !== 'application/json') return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return void fail('body is not JSON');
    }
    // A shared response ($ref into components.responses) keeps its schema there.
    const shared = (responses[String(response.status)] as Json).$ref as string | undefined;
    const base = shared ?? `#/paths/${escaped}/${method.toLowerCase()}/responses/${response.status}`;
    const error = this.matches({ $ref: `openapi.json${base}/content/${mediaType.replace('/', '~1')}/schema` }, body);
    if (error) fail(`body: ${error}`);
  }
}
