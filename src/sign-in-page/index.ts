// The sign-in page capability: the hosted HTML sign-in (password with its code step, passkeys, providers, forgot password).

import type { Capability } from '../http/capability';
import { addSignInPageRoutes } from './routes';

/** The hosted sign-in page: a deployment whose apps bring their own sign-in screens can turn it off. */
export const signInPageCapability: Capability = {
  name: 'sign-in-page',
  canBeDisabled: true,
  addRoutes: addSignInPageRoutes,
};
