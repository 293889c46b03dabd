import QRCode from 'qrcode';
import { rememberByText } from '../../model/remember';
import { trustedMarkup, type Html } from './html';

/**
 * The QR code for `text` as an inline SVG (qrcode's own SVG writer: shapes only, no script, no
 * style attribute, so the page's CSP needs nothing for it). qrcode calls its callback before
 * toString returns when given one, which keeps rendering synchronous and pure.
 */
function writeQrCodeSvg(text: string): Html {
  const result: { svg?: string; error?: Error } = {};
  QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }, (error, svg) => {
    if (error) result.error = error;
    else result.svg = svg;
  });
  if (result.error !== undefined) throw result.error;
  if (result.svg === undefined) throw new Error('qrcode did not write its SVG synchronously');
  return trustedMarkup(result.svg);
}

/** Codes kept: about 5 KB of SVG each. Encoding one takes about 0.7 ms, over nine tenths of a page's rendering. */
const QR_CODES_KEPT = 1024;

/** writeQrCodeSvg, remembered by link: a reload or a language switch draws the same code again. */
export const qrCodeSvg: (text: string) => Html = rememberByText(writeQrCodeSvg, QR_CODES_KEPT);
