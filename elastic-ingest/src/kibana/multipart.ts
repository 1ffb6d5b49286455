/**
 * @module A `multipart/form-data` body with one file part (RFC 7578), built by hand so it can be
 * sent with `node:https` and a per-request CA (Node 20's fetch takes no CA per request).
 */
import { randomBytes } from 'node:crypto'

/** The body and the `content-type` header that names its boundary. */
export interface MultipartBody {
  body: Buffer
  contentType: string
}

/**
 * One form field `field` holding `content` as a file called `filename`.
 * @example const { body, contentType } = multipartFile('file', 'sentinel.ndjson', ndjson, 'application/ndjson')
 */
export function multipartFile(
  field: string,
  filename: string,
  content: string,
  mediaType: string,
): MultipartBody {
  const data = Buffer.from(content, 'utf8')
  let boundary = ''
  do boundary = `----sentinel-${randomBytes(16).toString('hex')}`
  while (data.includes(boundary))
  const quote = (s: string) =>
    s.replace(/["\\\r\n]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${quote(field)}"; filename="${quote(filename)}"\r\n` +
    `Content-Type: ${mediaType}\r\n\r\n`
  return {
    body: Buffer.concat([Buffer.from(head, 'utf8'), data, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  }
}
