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
	 * @param {Object} a A rectangle {top, left, width, height}
	 * @param {Object} b Another
	 * @return {boolean} Whether they share any area
	 */
	function overlap( a, b ) {
		return a.left < b.left + b.width && b.left < a.left + a.width &&
			a.top < b.top + b.height && b.top < a.top + a.height;
	}

	/**
	 * @param {string} side
	 * @param {Object} target
	 * @param {Object} size
	 * @param {Object} view
	 * @param {number} gap
	 * @return {Object} {top, left} of the popover on that side, kept in the viewport
	 */
	function at( side, target, size, view, gap ) {
		var top, left;
		if ( side === 'top' || side === 'bottom' ) {
			top = side === 'top' ? target.top - gap - size.height : target.top + target.height + gap;
			left = target.left + target.width / 2 - size.width / 2;
		} else {
			left = side === 'left' ? target.left - gap - size.width : target.left + target.width + gap;
			top = target.top + target.height / 2 - size.height / 2;
		}
		return {
			left: clamp( left, MARGIN, Math.max( MARGIN, view.width - size.width - MARGIN ) ),
			top: clamp( top, MARGIN, Math.max( MARGIN, view.height - size.height - MARGIN ) )
		};
	}

	/**
	 * Move a popover that would cover a rectangle it must leave free (a Publish button):
	 * first to the other sides of its element, then just below or above what it covers.
	 *
	 * @param {Object} pos {top, left}
	 * @param {string} side The side chosen
	 * @param {string[]} sides All sides, in the order wanted
	 * @param {Object[]} avoid Rectangles to leave free
	 * @param {Function} box pos -> the popover's rectangle
	 * @param {Function} onSide side -> pos
	 * @param {Object} view
	 * @param {Object} size
	 * @param {Object} target
	 * @return {Object} {side, pos}
	 */
	function clear( pos, side, sides, avoid, box, onSide, view, size, target ) {
		var free = function ( q ) {
				return !avoid.some( function ( a ) {
					return overlap( box( q ), a );
				} ) && !overlap( box( q ), target );
			},
			i, p, found = null;
		if ( !avoid.length || !avoid.some( function ( a ) {
			return overlap( box( pos ), a );
		} ) ) {
			return { side: side, pos: pos };
		}
		for ( i = 0; i < sides.length && !found; i++ ) {
			p = onSide( sides[ i ] );
			if ( free( p ) ) {
				found = { side: sides[ i ], pos: p };
			}
		}
		avoid.forEach( function ( a ) {
			[ a.top + a.height + MARGIN, a.top - MARGIN - size.height ].forEach( function ( top ) {
				p = { left: pos.left, top: top };
				if ( !found && top >= 0 && top + size.height <= view.height && free( p ) ) {
					found = { side: side, pos: p };
				}
			} );
		} );
		return found || { side: side, pos: pos };
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
		best = clear( at( side, target, size, view, gap ), side, sides, o.avoid || [],
			function ( p ) {
				return { top: p.top, left: p.left, width: size.width, height: size.height };
			},
			function ( s ) {
				return at( s, target, size, view, gap );
			}, view, size, target );
		side = best.side;
		top = best.pos.top;
		left = best.pos.left;
		if ( side === 'top' || side === 'bottom' ) {
			arrow = clamp( target.left + target.width / 2 - left, 16, size.width - 16 );
		} else {
			arrow = clamp( target.top + target.height / 2 - top, 16, size.height - 16 );
		}
		return { side: side, top: Math.round( top ), left: Math.round( left ), width: null, arrow: Math.round( arrow ) };
	}

	wt.placement = {
		place: place,
		MARGIN: MARGIN,
		// What a popover never covers: the buttons that publish an edit (in the source
		// editor, the visual editor's toolbar and its save dialog) and a menu of the visual
		// editor's toolbar while it is open (its switch to source editing, Cite, Insert).
		AVOID: [ '#wpSave', '.ve-ui-toolbar-saveButton',
			'.ve-ui-mwSaveDialog .oo-ui-processDialog-actions-primary',
			'.ext-discussiontools-ui-replyWidget-actions .oo-ui-flaggedElement-primary',
			'.oo-ui-popupToolGroup-active-tools' ]
	};
}( mw.libs.wikitours ) );
