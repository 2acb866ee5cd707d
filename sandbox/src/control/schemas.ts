import Type from 'typebox';

export const E164 = Type.String({
  pattern: '^\\+[1-9][0-9]{7,14}$',
  description: 'E.164 number, e.g. +13035550100',
});
export const Problem = Type.Object(
  { type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()) },
  { additionalProperties: true },
);
/** Responses are documented loosely: the sandbox is for reading, and the shapes are in the README. */
export const AnyObject = Type.Object({}, { additionalProperties: true });
export const errors = { 400: Problem, 404: Problem };
