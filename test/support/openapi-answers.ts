import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiJson } from '../../lambda/contract/openapi.ts';
import { ROUTES, type RouteName } from '../../lambda/contract/routes.ts';

const DOCUMENT_ID = 'https://loop.example/openapi.json';

/** A JSON pointer's segment: `~` and `/` escaped, then URI-encoded (for `{` and `}`). */
const segment = (text: string) => encodeURIComponent(text.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Checks real answers against the OpenAPI document the service serves: the status must be one
 * the route documents, and the body must match that answer's schema (a JSON Schema 2020-12
 * validator, with formats), or be empty where the document gives no body.
 */
export function openApiAnswers() {
  const document = JSON.parse(openApiJson()) as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // ajv-formats is CommonJS whose default export TypeScript sees as the module itself.
  (formats as unknown as { default: (ajv: Ajv2020) => void }).default(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });

  return {
    /** Throws, naming what differs, unless `body` is what the document says `route` answers with `status`. */
    check(route: RouteName, status: number, body: unknown): void {
      const { method, path } = ROUTES[route];
      const operation = document.paths[path]?.[method.toLowerCase()];
      const answer = operation?.responses[String(status)];
      if (!answer) throw new Error(`${method} ${path} does not document a ${status}`);
      if (!answer.content) {
        if (body !== null && body !== '' && body !== undefined)
          throw new Error(`${method} ${path} ${status} documents no body, got ${JSON.stringify(body)}`);
        return;
      }
      const pointer = [
        'paths',
        path,
        method.toLowerCase(),
        'responses',
        String(status),
        'content',
        'application/json',
        'schema',
      ]
        .map(segment)
        .join('/');
      const validate = ajv.getSchema(`${DOCUMENT_ID}#/${pointer}`);
      if (!validate) throw new Error(`No schema at ${pointer}`);
      if (!validate(body))
        throw new Error(
          `${method} ${path} ${status} does not match the document: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 2_000)}`,
        );
    },
  };
}
