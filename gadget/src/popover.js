/*
 * The popover: a labelled dialog beside the step's element (or centred), with "step n of m",
 * buttons and a close button.
 *
 * Focus moves into it (unless the reader is typing in a field of the page) and, when the
 * tour closes, back to where it was. Tab cycles through the
 * popover's controls and the step's element (so a keyboard user can do what the step asks) and
 * Escape closes. It follows its element on scroll and resize, once per animation frame.
 *
 * While a modal dialog of the wiki is open (VisualEditor's welcome on a first edit, a save
 * dialog), the page behind it is inert: the popover then steps aside and comes back when the
 * dialog closes, instead of covering the dialog with controls that cannot be used.
 *
 * The step's element gets an outline (the highlight) that never takes clicks (pointer-events:
 * none), so the reader can use the element itself.
 */
( function ( wt ) {
	'use strict';
	var $pop = null,
		$arrow = null,
		opts = null,
		returnFocus = null,
		frame = null,
		watch = null,
		isBlocked = false,
		$box = null;

	function highlight( el ) {
		var r;
		if ( el ) {
			$box = $box || $( '<div>' ).addClass( 'wikitours-highlight' ).attr( 'aria-hidden', 'true' ).appendTo( document.body );
			r = el.getBoundingClientRect();
			$box.css( { top: r.top - 4, left: r.left - 4, width: r.width + 8, height: r.height + 8 } );
		} else if ( $box ) {
			$box.remove();
			$box = null;
		}
	}

	/**
	 * @return {boolean} Whether a modal dialog of the wiki covers the page
	 */
	function blocked() {
		var win = document.querySelector( '.oo-ui-windowManager-modal > .oo-ui-window-active' ),
			target = opts && opts.target;
		if ( !$pop ) {
			return false;
		}
		if ( win && target && win.contains( target ) ) {
			// The step is about the dialog itself (the visual editor's save dialog): the
			// popover stays, usable, though the dialog made the rest of the page inert.
			$pop.add( $box || [] ).removeAttr( 'inert' ).removeAttr( 'aria-hidden' );
			return false;
		}
		return $pop[ 0 ].hasAttribute( 'inert' ) || !!win;
	}

	/**
	 * @return {Object[]} Rectangles the popover must leave free: the buttons that publish an
	 *  edit, which a reader must always be able to reach (wt.placement.AVOID)
	 */
	function keepClear() {
		var out = [];
		( wt.placement && wt.placement.AVOID || [] ).forEach( function ( sel ) {
			Array.prototype.forEach.call( document.querySelectorAll( sel ), function ( el ) {
				var r;
				if ( wt.elements.visible( el ) ) {
					r = el.getBoundingClientRect();
					out.push( { top: r.top, left: r.left, width: r.width, height: r.height } );
				}
			} );
		} );
		return out;
	}

	function checkBlocked() {
		var now;
		if ( !$pop ) {
			return;
		}
		now = blocked();
		if ( isBlocked !== now ) {
			isBlocked = now;
			$pop.toggleClass( 'wikitours-popover--blocked', now );
			if ( $box ) {
				$box.toggleClass( 'wikitours-highlight--blocked', now );
			}
			if ( !now ) {
				schedule();
			}
		}
	}

	/**
	 * Whether the reader is typing in a field of the page: DiscussionTools puts the cursor in
	 * its subject box when its tool opens, and a newcomer starts typing there. Moving focus to
	 * the popover then would swallow what they type (a space would even press Next), so the
	 * focus stays in the field; Tab still reaches the popover (onKeydown) when the field is the
	 * step's element.
	 *
	 * @return {boolean}
	 */
	function typing() {
		var el = document.activeElement;
		if ( !el || el === document.body || ( $pop && $pop[ 0 ].contains( el ) ) ) {
			return false;
		}
		return el.isContentEditable || el.tagName === 'TEXTAREA' ||
			( el.tagName === 'INPUT' && /^(text|search|email|url|tel|number|)$/.test( el.type || '' ) );
	}

	function focusables( root ) {
		if ( !root ) {
			return [];
		}
		// The browser knows what Tab reaches: tabIndex >= 0, enabled, and shown.
		return Array.prototype.filter.call(
			root.querySelectorAll( 'a[href], button, input, textarea, select, [tabindex], [contenteditable]' ),
			function ( el ) {
				return el.tabIndex >= 0 && !el.disabled && wt.elements.visible( el );
			}
		);
	}

	/**
	 * @return {Element[]} What Tab moves through: the popover's controls, then the element's
	 */
	function cycle() {
		var list = focusables( $pop && $pop[ 0 ] ),
			target = opts && opts.target;
		if ( target ) {
			list = list.concat( target.matches( 'a[href], button, input, textarea, select' ) ? [ target ] : focusables( target ) );
		}
		return list;
	}

	function inside( el ) {
		return !!el && ( ( $pop && $pop[ 0 ].contains( el ) ) || ( opts && opts.target && opts.target.contains( el ) ) );
	}

	function onKeydown( e ) {
		var list, i, active = document.activeElement;
		if ( !$pop || !( inside( active ) || active === document.body ) ) {
			return;
		}
		if ( e.key === 'Escape' || e.key === 'Esc' ) {
			e.preventDefault();
			e.stopPropagation();
			opts.onClose();
		} else if ( e.key === 'Tab' ) {
			list = cycle();
			if ( !list.length ) {
				return;
			}
			e.preventDefault();
			i = list.indexOf( active );
			if ( i === -1 ) {
				list[ e.shiftKey ? list.length - 1 : 0 ].focus();
			} else {
				list[ ( i + ( e.shiftKey ? -1 : 1 ) + list.length ) % list.length ].focus();
			}
		}
	}

	function position() {
		var target = opts && opts.target,
			rect = null,
			r, p, view, size;
		frame = null;
		if ( !$pop ) {
			return;
		}
		if ( target ) {
			if ( !target.isConnected ) {
				target = null;
			} else {
				r = target.getBoundingClientRect();
				rect = { top: r.top, left: r.left, width: r.width, height: r.height };
			}
		}
		view = { width: document.documentElement.clientWidth, height: window.innerHeight };
		// On narrow screens the popover is a full-width sheet: measure it at that width.
		$pop.css( 'width', view.width < wt.config.narrowWidth ? view.width - 2 * wt.sheet.MARGIN : '' );
		size = { width: $pop.outerWidth(), height: $pop.outerHeight() };
		p = wt.sheet( rect, size, view, wt.config.narrowWidth );
		if ( !p && wt.placement ) {
			p = wt.placement.place( rect, size, view, { placement: opts.placement, rtl: opts.rtl,
				narrowWidth: wt.config.narrowWidth, avoid: keepClear() } );
		} else if ( !p ) {
			// A phone turned into a wide screen: centred until the placement module is here.
			p = wt.sheet( null, size, view, 1 );
			mw.loader.using( 'ext.gadget.wikitours-place' ).then( schedule );
		}
		if ( p.width ) {
			$pop.css( 'width', p.width );
		}
		$pop.css( { top: p.top, left: p.left } ).attr( 'data-side', p.side );
		if ( p.arrow === null ) {
			$arrow.hide();
		} else {
			$arrow.show().css( /top|bottom/.test( p.side ) ? { left: p.arrow, top: '' } : { top: p.arrow, left: '' } );
		}
		if ( target && $box ) {
			highlight( target );
		}
	}

	function schedule() {
		if ( $pop && frame === null ) {
			frame = requestAnimationFrame( position );
		}
	}

	function button( b ) {
		var $b = b.href ?
			$( '<a>' ).attr( { href: b.href, role: 'button' } ) :
			$( '<button>' ).attr( 'type', 'button' ).on( 'click', b.action );
		$b.addClass( 'wikitours-button' );
		if ( b.primary ) {
			$b.addClass( 'wikitours-button--primary' );
		}
		return $b.attr( 'data-wikitours', b.name )
			.text( b.label );
	}

	/**
	 * @param {Object} o
	 * @param {jQuery} o.title Parsed title
	 * @param {jQuery[]} o.body Parsed paragraphs
	 * @param {string|null} o.progress "Step n of m"
	 * @param {Object[]} o.buttons {name, label, primary, action|href}
	 * @param {Element|null} o.target
	 * @param {string} o.placement
	 * @param {boolean} o.rtl
	 * @param {string} o.lang
	 * @param {string} o.closeLabel
	 * @param {Function} o.onClose For the close button and Escape
	 */
	function show( o ) {
		var $close, $body, $footer, $buttons, primary;
		if ( !$pop ) {
			returnFocus = document.activeElement;
			document.addEventListener( 'keydown', onKeydown, true );
			window.addEventListener( 'resize', schedule );
			window.addEventListener( 'scroll', schedule, true );
			// Also follows an element that moves without a scroll or resize (a dialog
			// sliding open, a toolbar filling in).
			watch = setInterval( function () {
				checkBlocked();
				schedule();
			}, 250 );
		} else {
			$pop.remove();
		}
		opts = o;
		isBlocked = false;
		$close = $( '<button>' ).attr( { type: 'button', 'aria-label': o.closeLabel, title: o.closeLabel } )
			.addClass( 'wikitours-popover__close' ).attr( 'data-wikitours', 'close' )
			.text( '\u00d7' ).on( 'click', o.onClose );
		$body = $( '<div>' ).addClass( 'wikitours-popover__text' ).attr( 'id', 'wikitours-popover-text' );
		o.body.forEach( function ( $p ) {
			$body.append( $( '<p>' ).append( $p ) );
		} );
		$buttons = $( '<div>' ).addClass( 'wikitours-popover__buttons' );
		o.buttons.forEach( function ( b ) {
			$buttons.append( button( b ) );
		} );
		$footer = $( '<div>' ).addClass( 'wikitours-popover__footer' ).append(
			$( '<span>' ).addClass( 'wikitours-popover__progress' ).text( o.progress || '' ),
			$buttons
		);
		$arrow = $( '<div>' ).addClass( 'wikitours-popover__arrow' ).attr( 'aria-hidden', 'true' );
		$pop = $( '<div>' ).addClass( 'wikitours-popover' ).attr( {
			role: 'dialog',
			'aria-labelledby': 'wikitours-popover-title',
			'aria-describedby': 'wikitours-popover-text',
			tabindex: '-1',
			dir: o.rtl ? 'rtl' : 'ltr',
			lang: o.lang
		} ).append(
			$arrow,
			$( '<div>' ).addClass( 'wikitours-popover__header' ).append(
				$( '<div>' ).addClass( 'wikitours-popover__title' ).attr( 'id', 'wikitours-popover-title' ).append( o.title ),
				$close
			),
			$body,
			$footer
		).appendTo( document.body );
		highlight( null );
		highlight( o.highlight === false ? null : o.target );
		position();
		checkBlocked();
		primary = $buttons.children( '.wikitours-button--primary' )[ 0 ];
		if ( !typing() ) {
			( primary || $pop[ 0 ] ).focus( { preventScroll: true } );
		}
	}

	function hide() {
		if ( !$pop ) {
			return;
		}
		$pop.remove();
		$pop = null;
		opts = null;
		highlight( null );
		document.removeEventListener( 'keydown', onKeydown, true );
		window.removeEventListener( 'resize', schedule );
		window.removeEventListener( 'scroll', schedule, true );
		clearInterval( watch );
		watch = null;
		if ( frame !== null ) {
			cancelAnimationFrame( frame );
			frame = null;
		}
		if ( returnFocus && returnFocus.isConnected && returnFocus.focus ) {
			returnFocus.focus();
		}
		returnFocus = null;
	}

	wt.popover = {
		show: show,
		hide: hide,
		// content added after show() (offers of practice tasks) moves the popover back on screen
		reposition: schedule,
		element: function () {
			return $pop && $pop[ 0 ];
		}
	};
}( mw.libs.wikitours ) );
