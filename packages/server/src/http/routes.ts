import { Router } from 'express';
import type { Request, Response } from 'express';
import type { AccountService } from '../domain/accounts.js';
import type { IceOptions } from '../domain/ice.js';
import { iceServersFor } from '../domain/ice.js';
import { authOf, requireAuth } from './authenticate.js';

/** The `/api` routes: thin over the account service. */
export function apiRoutes(accounts: AccountService, ice: IceOptions): Router {
  const r = Router();
  const auth = requireAuth(accounts);
  const ip = (req: { ip?: string | undefined }) => req.ip ?? 'unknown';

  r.post('/register', async (req, res) => {
    res.status(201).json(await accounts.register(req.body, ip(req)));
  });
  r.post('/login', async (req, res) => {
    res.status(200).json(await accounts.login(req.body, ip(req)));
  });
  r.post('/logout', auth, async (_req, res) => {
    await accounts.logout(authOf(res.locals));
    res.status(204).end();
  });
  r.get('/profile', auth, (_req, res) => {
    res.json({ user: accounts.profile(authOf(res.locals)) });
  });
  const update = async (req: Request, res: Response) => {
    res.json({ user: await accounts.updateProfile(authOf(res.locals), req.body) });
  };
  r.delete('/profile', auth, async (req, res) => {
    await accounts.deleteAccount(authOf(res.locals), req.body, ip(req));
    res.status(204).end();
  });
  r.put('/profile', auth, update);
  r.patch('/profile', auth, update);
  r.get('/users/:username', auth, async (req, res) => {
    res.json({ user: await accounts.publicUser(req.params.username) });
  });
  r.get('/ice-servers', auth, (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(iceServersFor(authOf(res.locals).user.id, ice));
  });
  return r;
}
