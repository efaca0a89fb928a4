import { planGo } from './builders/go.js';
import { planJava } from './builders/java.js';
import { planNodejsApp } from './builders/nodejs-app.js';
import { planPhp } from './builders/php.js';
import { planPython } from './builders/python.js';
import { planRuby } from './builders/ruby.js';
import { planStatic } from './builders/static.js';
import type { Planner } from './plan.js';


/** One planner per builders/<name>/ folder. */
export const PLANNERS: Record<string, Planner> = {
  nodejs: planNodejsApp,
  python: planPython,
  go: planGo,
  java: planJava,
  ruby: planRuby,
  php: planPhp,
  static: planStatic,
};
