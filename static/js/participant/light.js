// The light right now, from the sun's height at the walk's position (no table, no network).

const RAD = Math.PI / 180;

/** The sun's elevation in degrees at `date` for (lat, lon), from the US Naval Observatory's
 *  low-precision formulas: about 0.1° off, far finer than the difference between dusk and dark. */
export function sunElevation(date, lat, lon) {
  const d = date.getTime() / 86400000 - 10957.5; // days since 2000-01-01 12:00 UTC
  const g = (357.529 + 0.98560028 * d) * RAD; // mean anomaly
  const q = 280.459 + 0.98564736 * d; // mean longitude
  const ecl = (q + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * RAD;
  const tilt = (23.439 - 0.00000036 * d) * RAD;
  const ra = Math.atan2(Math.cos(tilt) * Math.sin(ecl), Math.cos(ecl));
  const dec = Math.asin(Math.sin(tilt) * Math.sin(ecl));
  const gmst = (18.697374558 + 24.06570982441908 * d) * 15; // degrees
  const hour = gmst * RAD + lon * RAD - ra;
  const phi = lat * RAD;
  return Math.asin(Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(hour)) / RAD;
}

/** dagsljus while the sun is up (above −0.833°, the sunrise/sunset definition), skymning through
 *  civil twilight (down to −6°), mörker below. */
export function lightAt(date, lat, lon) {
  const h = sunElevation(date, lat, lon);
  if (h > -0.833) return "dagsljus";
  if (h > -6) return "skymning";
  return "morker";
}
