import { KeyNaming, UploadRefused, UploadRules, contentTypeAllowed, generatedKey, isActiveContentType, parseUploadRequest, planUpload, rulesFromEnvironment } from '../../src/cdn/upload-policy';

const rules: UploadRules = { keyPrefix: 'uploads/', keyNaming: KeyNaming.CLIENT, maxBytes: 1000, contentTypes: ['image/png', 'video/*'], expiresSeconds: 300 };

function refusal(action: () => unknown): { statusCode: number; message: string } {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(UploadRefused);
    return { statusCode: (e as UploadRefused).statusCode, message: (e as UploadRefused).message };
  }
  throw new Error('expected the request to be refused');
}

describe('planUpload', () => {
  test('pins the exact key under the prefix, the content type and a size from 1 byte to the maximum', () => {
    expect(planUpload({ key: 'uploads/a/cat.png', contentType: 'image/png', size: 1000 }, rules)).toEqual({
      key: 'uploads/a/cat.png',
      fields: { 'Content-Type': 'image/png' },
      conditions: [
        ['starts-with', '$key', 'uploads/'],
        ['eq', '$Content-Type', 'image/png'],
        ['content-length-range', 1, 1000],
      ],
      expiresSeconds: 300,
    });
  });

  test('accepts a type of an allowed family', () => {
    expect(planUpload({ key: 'uploads/clip.mp4', contentType: 'video/mp4' }, rules).fields['Content-Type']).toBe('video/mp4');
  });

  test.each([
    ['a key outside the prefix', { key: 'private/cat.png', contentType: 'image/png' }, 403, "Key 'private/cat.png' is outside the upload prefix; use a key that starts with 'uploads/' and names a file."],
    ['the prefix alone', { key: 'uploads/', contentType: 'image/png' }, 403, "Key 'uploads/' is outside the upload prefix; use a key that starts with 'uploads/' and names a file."],
    ['a key climbing out with ..', { key: 'uploads/../secret.png', contentType: 'image/png' }, 400, "Key 'uploads/../secret.png' has an empty, '.' or '..' path segment, a backslash or a control character; use a plain path under 'uploads/'."],
    ['a double slash', { key: 'uploads//x.png', contentType: 'image/png' }, 400, "Key 'uploads//x.png' has an empty, '.' or '..' path segment, a backslash or a control character; use a plain path under 'uploads/'."],
    ['a type not allowed', { key: 'uploads/x.exe', contentType: 'application/x-msdownload' }, 415, "Content type 'application/x-msdownload' is not accepted; use one of: image/png, video/*."],
    ['a type with parameters under a family', { key: 'uploads/x.mp4', contentType: 'video/mp4; codecs=avc1' }, 415, "Content type 'video/mp4; codecs=avc1' is not accepted; use one of: image/png, video/*."],
    ['a file too large', { key: 'uploads/x.png', contentType: 'image/png', size: 1001 }, 413, '1001 bytes is more than the 1000 bytes allowed; upload a smaller file.'],
    ['an empty file', { key: 'uploads/x.png', contentType: 'image/png', size: 0 }, 400, 'An empty file (0 bytes) is not accepted.'],
  ])('refuses %s', (_name, request, statusCode, message) => {
    expect(refusal(() => planUpload(request, rules))).toEqual({ statusCode, message });
  });

  test('refuses a key longer than S3 allows', () => {
    expect(refusal(() => planUpload({ key: `uploads/${'a'.repeat(1020)}`, contentType: 'image/png' }, rules)))
      .toEqual({ statusCode: 400, message: 'Key is 1028 bytes long; S3 keys are at most 1024 bytes.' });
  });
});

describe('active content', () => {
  test.each([
    'image/svg+xml', 'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/rss+xml', 'application/pdf',
    'application/javascript', 'text/javascript', 'application/ecmascript', 'text/jscript', 'Image/SVG+XML',
  ])('%s is active content, refused under a family wildcard but accepted when named', (type) => {
    const [family] = type.toLowerCase().split('/');
    expect(isActiveContentType(type)).toBe(true);
    expect(contentTypeAllowed(type, [`${family}/*`])).toBe(false);
    expect(contentTypeAllowed(type, [`${family}/*`, type.toLowerCase()])).toBe(true);
  });

  test.each(['image/png', 'image/jpeg', 'image/webp', 'video/mp4', 'text/plain', 'application/json', 'text/css', 'application/octet-stream'])('%s is not active content', (type) => {
    expect(isActiveContentType(type)).toBe(false);
    expect(contentTypeAllowed(type, [`${type.split('/')[0]}/*`])).toBe(true);
  });

  test('the README example, image/*, signs image/png but refuses image/svg+xml', () => {
    const images: UploadRules = { ...rules, contentTypes: ['image/*'] };
    expect(planUpload({ key: 'uploads/a.png', contentType: 'image/png' }, images).conditions).toContainEqual(['eq', '$Content-Type', 'image/png']);
    expect(refusal(() => planUpload({ key: 'uploads/a.svg', contentType: 'image/svg+xml' }, images))).toEqual({
      statusCode: 415, message: "Content type 'image/svg+xml' is not accepted (active content, which runs script in the CDN's origin, is accepted only when named exactly); use one of: image/*.",
    });
  });

  test('a type with a space or parameters is refused, exact or by family', () => {
    expect(contentTypeAllowed('image/svg+xml ', ['image/*'])).toBe(false);
    expect(contentTypeAllowed('image/png ', ['image/*'])).toBe(false);
    expect(contentTypeAllowed('image/png;x=1', ['image/png'])).toBe(false);
  });
});

describe('generated keys', () => {
  test('a random UUID under the prefix, keeping a plain extension in lower case', () => {
    expect(generatedKey('uploads/', 'Holiday Photo.JPG')).toMatch(/^uploads\/[0-9a-f-]{36}\.jpg$/);
    expect(generatedKey('uploads/', 'archive.tar.gz')).toMatch(/^uploads\/[0-9a-f-]{36}\.gz$/);
    expect(generatedKey('uploads/', 'noextension')).toMatch(/^uploads\/[0-9a-f-]{36}$/);
    expect(generatedKey('uploads/', '../x.p%2fng')).toMatch(/^uploads\/[0-9a-f-]{36}$/);
    expect(generatedKey('uploads/', undefined)).toMatch(/^uploads\/[0-9a-f-]{36}$/);
    expect(generatedKey('uploads/', 'a.png')).not.toBe(generatedKey('uploads/', 'a.png'));
  });

  test('planUpload with generated keys ignores the path the client asks for', () => {
    const plan = planUpload({ key: 'uploads/../../etc/passwd.png', contentType: 'image/png' }, { ...rules, keyNaming: KeyNaming.GENERATED });
    expect(plan.key).toMatch(/^uploads\/[0-9a-f-]{36}\.png$/);
  });
});

describe('contentTypeAllowed', () => {
  test('matches exactly or by family, ignoring case', () => {
    expect(contentTypeAllowed('IMAGE/PNG', ['image/png'])).toBe(true);
    expect(contentTypeAllowed('image/pngx', ['image/png'])).toBe(false);
    expect(contentTypeAllowed('video/', ['video/*'])).toBe(false);
    expect(contentTypeAllowed('videos/mp4', ['video/*'])).toBe(false);
  });
});

describe('parseUploadRequest', () => {
  test('reads a JSON body, plain or base64', () => {
    const body = JSON.stringify({ key: 'uploads/a.png', contentType: 'image/png', size: 3 });
    expect(parseUploadRequest(body)).toEqual({ key: 'uploads/a.png', contentType: 'image/png', size: 3 });
    expect(parseUploadRequest(Buffer.from(body).toString('base64'), true)).toEqual({ key: 'uploads/a.png', contentType: 'image/png', size: 3 });
  });

  test.each([
    ['no body', undefined, 'The request has no body. Send JSON: {"contentType": "type/subtype", "size": bytes, "fileName": "name.ext"} (or "key": "<prefix>name" where the client names keys).'],
    ['a body that is not JSON', 'key=a', 'The request body is not JSON. Send {"contentType": "type/subtype", "size": bytes, "fileName": "name.ext"} (or "key": "<prefix>name" where the client names keys).'],
    ['an array', '[]', 'The request body must be a JSON object: {"contentType": "type/subtype", "size": bytes, "fileName": "name.ext"} (or "key": "<prefix>name" where the client names keys).'],
    ['a missing content type', '{"key":"uploads/a"}', 'The request body must give "contentType", and "key" or "fileName" when given, as strings.'],
    ['a fractional size', '{"key":"uploads/a","contentType":"image/png","size":1.5}', '"size" (1.5) must be a whole number of bytes.'],
  ])('refuses %s with 400', (_name, body, message) => {
    expect(refusal(() => parseUploadRequest(body))).toEqual({ statusCode: 400, message });
  });
});

describe('rulesFromEnvironment', () => {
  test('reads the rules the construct sets', () => {
    expect(rulesFromEnvironment({ KEY_PREFIX: 'u/', MAX_BYTES: '10', CONTENT_TYPES: 'image/png, image/gif', EXPIRES_SECONDS: '60' }))
      .toEqual({ keyPrefix: 'u/', keyNaming: KeyNaming.GENERATED, maxBytes: 10, contentTypes: ['image/png', 'image/gif'], expiresSeconds: 60 });
  });

  test('reads client-chosen keys, and fails on a naming it does not know', () => {
    const env = { KEY_PREFIX: 'u/', MAX_BYTES: '10', CONTENT_TYPES: 'image/png', EXPIRES_SECONDS: '60' };
    expect(rulesFromEnvironment({ ...env, KEY_NAMING: 'client' }).keyNaming).toBe(KeyNaming.CLIENT);
    expect(() => rulesFromEnvironment({ ...env, KEY_NAMING: 'server' })).toThrow('KEY_NAMING (server) must be one of generated, client');
  });

  test('fails loudly when misconfigured', () => {
    expect(() => rulesFromEnvironment({ KEY_PREFIX: 'u/', MAX_BYTES: '10', CONTENT_TYPES: 'image/png' })).toThrow('Environment variable EXPIRES_SECONDS is not set');
    expect(() => rulesFromEnvironment({ KEY_PREFIX: 'u/', MAX_BYTES: 'ten', CONTENT_TYPES: 'image/png', EXPIRES_SECONDS: '5' }))
      .toThrow('MAX_BYTES (ten) and EXPIRES_SECONDS (5) must be positive whole numbers');
  });
});
