/*
 * Finding a step's element: the selectors for the current skin (or "*"), waiting with a
 * MutationObserver for elements that appear late (editors, menus) up to a timeout.
 */
( function ( wt ) {
	'use strict';

	function visible( el ) {
		var r = el.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && getComputedStyle( el ).visibility !== 'hidden';
	}

	/**
	 * @param {Object|null} target A step's target (contracts §4)
	 * @param {string} skin
	 * @return {string[]} The selectors to try, in order
	 */
	function selectors( target, skin ) {
		var s = target && target.selectors;
		if ( !s ) {
			return [];
		}
		return ( s[ skin ] || s[ '*' ] || [] ).filter( function ( x ) {
			return typeof x === 'string';
		} );
	}

	function find( list ) {
		var i, el;
		for ( i = 0; i < list.length; i++ ) {
			try {
				el = document.querySelector( list[ i ] );
			} catch ( e ) {
				el = null;
			}
			if ( el && visible( el ) ) {
				return el;
			}
		}
		return null;
	}

	/**
	 * @param {string[]} list Selectors
	 * @param {number} ms How long to wait
	 * @return {jQuery.Promise} Resolves with the element, rejects when it never appears
	 */
	function waitFor( list, ms ) {
		var d = $.Deferred(),
			el = find( list ),
			observer, timer, poll;
		if ( el ) {
			return d.resolve( el ).promise();
		}
		function check() {
			var found = find( list );
			if ( found ) {
				observer.disconnect();
				clearTimeout( timer );
				clearInterval( poll );
				d.resolve( found );
			}
		}
		observer = new MutationObserver( check );
		observer.observe( document.body, { childList: true, subtree: true, attributes: true, attributeFilter: [ 'class', 'style', 'hidden' ] } );
		// Elements also become visible through style sheets loading late.
		poll = setInterval( check, 250 );
		timer = setTimeout( function () {
			observer.disconnect();
			clearInterval( poll );
			d.reject();
		}, ms );
		return d.promise();
	}

	/**
	 * @param {Element} el
	 * @return {Element} What a click on the step's element means: the link or button in it
	 */
	function clickable( el ) {
		if ( el.matches( 'a, button, input, [role="button"]' ) ) {
			return el;
		}
		return el.querySelector( 'a[href], button, input[type="submit"], [role="button"]' ) || el;
	}

	wt.elements = { selectors: selectors, waitFor: waitFor, clickable: clickable, visible: visible };
}( mw.libs.wikitours ) );
