/*
 * Where the popover goes: a pure function of rectangles, so it is tested without a browser.
 *
 * The wanted side is tried first, then the opposite one, then the other two; `start`/`end` are
 * logical and mirror in right-to-left languages. Whatever side is chosen, the popover is kept
 * inside the viewport. On narrow screens it becomes a full-width sheet (sheet.js, which phones
 * use alone: this module is loaded only on wide screens).
 */
( function ( wt ) {
	'use strict';
	var MARGIN = wt.sheet.MARGIN,
		OPPOSITE = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

	function clamp( value, min, max ) {
		return Math.max( min, Math.min( value, max ) );
	}

	/**
	 * @param {string} want auto|top|bottom|start|end
	 * @param {boolean} rtl
	 * @return {string[]} Physical sides in the order to try them
	 */
	function order( want, rtl ) {
		var start = rtl ? 'right' : 'left',
			end = rtl ? 'left' : 'right',
			first = { top: 'top', bottom: 'bottom', start: start, end: end }[ want ];
		if ( !first ) {
			return [ 'bottom', 'top', end, start ];
		}
		return [ first, OPPOSITE[ first ] ].concat(
			( first === 'top' || first === 'bottom' ) ? [ end, start ] : [ 'bottom', 'top' ]
		);
	}

	/**
	 * @param {Object|null} target The element's rectangle {top, left, width, height} in the
	 *  viewport, or null for a centred popover
	 * @param {Object} size The popover's {width, height}
	 * @param {Object} view The viewport's {width, height}
	 * @param {Object} [options] {placement, rtl, gap, narrowWidth}
	 * @return {Object} {side, top, left, width, arrow}: side is top, bottom, left, right,
	 *  center or sheet; width is set when the popover must take a given width; arrow is the
	 *  arrow's offset along the popover's edge (null when there is none)
	 */
	function place( target, size, view, options ) {
		var o = options || {},
			gap = o.gap === undefined ? 12 : o.gap,
			sides, room, i, side, top, left, best, arrow,
			simple = wt.sheet( target, size, view, o.narrowWidth );
		if ( simple ) {
			return simple;
		}
		room = {
			top: target.top - gap - MARGIN,
			bottom: view.height - ( target.top + target.height ) - gap - MARGIN,
			left: target.left - gap - MARGIN,
			right: view.width - ( target.left + target.width ) - gap - MARGIN
		};
		sides = order( o.placement, !!o.rtl );
		for ( i = 0; i < sides.length && !side; i++ ) {
			if ( room[ sides[ i ] ] >= ( /top|bottom/.test( sides[ i ] ) ? size.height : size.width ) ) {
				side = sides[ i ];
			}
		}
		if ( !side ) {
			// Nothing fits: take the side with the most room for the popover's own size.
			best = -Infinity;
			sides.forEach( function ( s ) {
				var r = room[ s ] - ( /top|bottom/.test( s ) ? size.height : size.width );
				if ( r > best ) {
					best = r;
					side = s;
				}
			} );
		}
		if ( side === 'top' || side === 'bottom' ) {
			top = side === 'top' ? target.top - gap - size.height : target.top + target.height + gap;
			left = target.left + target.width / 2 - size.width / 2;
		} else {
			left = side === 'left' ? target.left - gap - size.width : target.left + target.width + gap;
			top = target.top + target.height / 2 - size.height / 2;
		}
		left = clamp( left, MARGIN, Math.max( MARGIN, view.width - size.width - MARGIN ) );
		top = clamp( top, MARGIN, Math.max( MARGIN, view.height - size.height - MARGIN ) );
		if ( side === 'top' || side === 'bottom' ) {
			arrow = clamp( target.left + target.width / 2 - left, 16, size.width - 16 );
		} else {
			arrow = clamp( target.top + target.height / 2 - top, 16, size.height - 16 );
		}
		return { side: side, top: Math.round( top ), left: Math.round( left ), width: null, arrow: Math.round( arrow ) };
	}

	wt.placement = { place: place, MARGIN: MARGIN };
}( mw.libs.wikitours ) );
