/*
 * A learner's progress (contracts §5). Logged-in readers keep it in their own
 * User:NAME/wikitours.json, which only they (and interface admins) can edit, so the record is
 * theirs and public; anonymous readers keep it in this browser only.
 */
( function ( wt ) {
	'use strict';
	var KEY = 'wikitours-progress',
		STATUSES = [ 'started', 'completed', 'dismissed' ],
		current = null;

	function now() {
		return new Date().toISOString().replace( /\.\d+Z$/, 'Z' );
	}

	/**
	 * @param {*} data Whatever the page or storage held
	 * @return {Object} A well-formed progress object; anything malformed is dropped
	 */
	function normalize( data ) {
		var out = { format: 1, tours: {} };
		if ( data && typeof data === 'object' && data.tours && typeof data.tours === 'object' ) {
			Object.keys( data.tours ).forEach( function ( id ) {
				var t = data.tours[ id ];
				if ( /^[a-z0-9-]+$/.test( id ) && t && STATUSES.indexOf( t.status ) !== -1 ) {
					out.tours[ id ] = t;
				}
			} );
		}
		// practice on real tasks (tasks.js) and what the learner chose to show: kept as they are
		if ( data && Array.isArray( data.tasks ) ) {
			out.tasks = data.tasks.slice( -200 );
		}
		if ( data && Array.isArray( data.public ) ) {
			out.public = data.public;
		}
		return out;
	}

	function readLocal() {
		try {
			return JSON.parse( mw.storage.get( KEY ) || 'null' );
		} catch ( e ) {
			return null;
		}
	}

	/**
	 * @param {Object|null} fromWiki The progress page's content, for logged-in readers
	 */
	function init( fromWiki ) {
		current = normalize( mw.user.isAnon() ? readLocal() : fromWiki );
	}

	function save() {
		var text = JSON.stringify( current );
		if ( mw.user.isAnon() ) {
			mw.storage.set( KEY, text );
			return $.Deferred().resolve().promise();
		}
		// mediawiki.api only now: anonymous readers never need it.
		return mw.loader.using( 'mediawiki.api' ).then( function () {
			return new mw.Api().postWithToken( 'csrf', {
				action: 'edit',
				title: wt.messages.title( 'progress', mw.user.getName() ),
				text: text,
				contentmodel: 'json',
				summary: wt.texts.text( 'wikitours-progress-summary' ),
				watchlist: 'nochange',
				formatversion: 2
			} );
		} );
	}

	/**
	 * Record a change for one tour and save it.
	 *
	 * @param {string} id
	 * @param {Object} fields status, version, step, and on completion edits (step id → the
	 *  revision id of the edit that step waited for)
	 * @return {jQuery.Promise}
	 */
	function record( id, fields ) {
		var t = wt.assign( {}, current.tours[ id ] || {}, fields ),
			time = now();
		if ( fields.status === 'started' && ( !current.tours[ id ] || current.tours[ id ].status !== 'started' ) ) {
			t.started = time;
			delete t.completed;
			delete t.edits; // a new attempt: its own edits will be recorded
		}
		if ( fields.status === 'completed' ) {
			t.completed = time;
		}
		t.updated = time;
		current.tours[ id ] = t;
		return save();
	}

	wt.progress = {
		normalize: normalize,
		init: init,
		get: function ( id ) {
			return current && current.tours[ id ] || null;
		},
		record: record,
		all: function () {
			return current;
		}
	};
}( mw.libs.wikitours ) );
