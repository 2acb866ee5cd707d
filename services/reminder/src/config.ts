import { commonEnv } from '@autoverify/config';
import Type, { type Static } from 'typebox';

export const envSchema = Type.Object({
  ...commonEnv,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3003 }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0' }),
});

export type Env = Static<typeof envSchema>;
