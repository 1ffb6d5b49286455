/** @module API error bodies: every 4xx/5xx answers `{ code, message }` with a stable SNT_ERR_* code. */
import { Type } from '@sinclair/typebox'

export const ErrorReply = Type.Object(
  {
    code: Type.String({ description: 'Stable error code, listed in docs/errors.md.' }),
    message: Type.String(),
  },
  { $id: 'ErrorReply' },
)
