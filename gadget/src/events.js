/*
 * DOM and wiki events in, tour.js's decisions out: a click on the step's element, a saved edit
 * (postEdit), an opened editor (wikipage.editform, ve.activationComplete). Hook handlers are
 * replayed by mw.hook for events that fired before the runtime loaded; those replays are
 * ignored here because tour.js reads the page's state directly when it starts.
 */
( function ( wt ) {
	'use strict';
	var target = null,
		replaying = false,
		hooks = [],
		watch = null,
		talking = false;

	function discussing() {
		return wt.conditions.context().editors.indexOf( 'discussion' ) !== -1;
	}

	/**
	 * DiscussionTools' new topic or reply tool opened or closed: it fires no hook of its
	 * own (the editors with hooks are handled below), so the tour looks twice a second.
	 */
	function checkDiscussion() {
		var now = discussing();
		if ( now !== talking ) {
			talking = now;
			wt.tour.on( now ? 'editor-opened' : 'editor-closed' );
		}
	}

	function onTargetClick() {
		wt.tour.on( 'click' );
	}

	function hook( name, fn ) {
		mw.hook( name ).add( fn );
		hooks.push( [ name, fn ] );
	}

	function init() {
		if ( hooks.length ) {
			return;
		}
		replaying = true;
		hook( 'postEdit', function () {
			if ( !replaying ) {
				wt.tour.on( 'saved' );
			}
		} );
		hook( 'wikipage.editform', function () {
			if ( !replaying ) {
				wt.tour.on( 'editor-opened' );
			}
		} );
		hook( 've.activationComplete', function () {
			if ( !replaying ) {
				wt.state.veActive = true;
				wt.tour.on( 'editor-opened' );
			}
		} );
		talking = discussing();
		watch = setInterval( checkDiscussion, 500 );
		hook( 've.deactivationComplete', function () {
			wt.state.veActive = false;
			if ( !replaying ) {
				wt.tour.on( 'editor-closed' );
			}
		} );
		replaying = false;
	}

	function bindTarget( el ) {
		unbindTarget();
		target = el;
		if ( el ) {
			el.addEventListener( 'click', onTargetClick, true );
		}
	}

	function unbindTarget() {
		if ( target ) {
			target.removeEventListener( 'click', onTargetClick, true );
			target = null;
		}
	}

	wt.events = {
		init: init,
		bindTarget: bindTarget,
		unbindTarget: unbindTarget,
		destroy: function () {
			unbindTarget();
			clearInterval( watch );
			hooks.forEach( function ( h ) {
				mw.hook( h[ 0 ] ).remove( h[ 1 ] );
			} );
			hooks = [];
		}
	};
}( mw.libs.wikitours ) );
