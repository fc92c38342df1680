/*
 * The few icons the shell needs, inline so they cost no request. Decorative: always next to a text
 * label or inside a control that has an accessible name.
 */
interface IconProps { size?: number; className?: string }

const base = (size: number, className?: string) => ({
  width: size, height: size, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 2,
  strokeLinecap: 'round' as const, strokeLinejoin: 'round' as const, 'aria-hidden': true, focusable: false, className,
});

export const MenuIcon = ({ size = 20, className }: IconProps) => (
  <svg {...base(size, className)}><path d="M4 6h16M4 12h16M4 18h16" /></svg>
);

export const CloseIcon = ({ size = 20, className }: IconProps) => (
  <svg {...base(size, className)}><path d="M6 6l12 12M18 6L6 18" /></svg>
);

export const SignOutIcon = ({ size = 16, className }: IconProps) => (
  <svg {...base(size, className)}><path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11" /></svg>
);

export const RefreshIcon = ({ size = 16, className }: IconProps) => (
  <svg {...base(size, className)}><path d="M20 11a8 8 0 0 0-14.9-3.5M4 5v3h3M4 13a8 8 0 0 0 14.9 3.5M20 19v-3h-3" /></svg>
);

export const LockIcon = ({ size = 32, className }: IconProps) => (
  <svg {...base(size, className)}><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V8a4 4 0 0 1 8 0v3" /></svg>
);

export const CompassIcon = ({ size = 32, className }: IconProps) => (
  <svg {...base(size, className)}><circle cx="12" cy="12" r="9" /><path d="M15.5 8.5l-2 5-5 2 2-5z" /></svg>
);

/** The Orderdeck mark: a stack of order cards. */
export const LogoMark = ({ size = 28, className }: IconProps) => (
  <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false" className={className}>
    <rect width="32" height="32" rx="8" fill="var(--brand)" />
    <rect x="8" y="7" width="16" height="4" rx="1.5" fill="#fff" opacity="0.55" />
    <rect x="8" y="13" width="16" height="4" rx="1.5" fill="#fff" opacity="0.8" />
    <rect x="8" y="19" width="16" height="6" rx="1.5" fill="#fff" />
  </svg>
);
